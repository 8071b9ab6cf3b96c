import torch
output = torch.unique(torch.tensor([1, 3, 2, 3], dtype=torch.long))
print(output)
output, inverse_indices = torch.unique(
    torch.tensor([1, 3, 2, 3], dtype=torch.long), sorted=True, return_inverse=True)
print(output)
print(inverse_indices)
output, inverse_indices = torch.unique(
    torch.tensor([[1, 3], [2, 3]], dtype=torch.long), sorted=True, return_inverse=True)
print(output)
print(inverse_indices)
# When using dim, the operation finds unique sub-tensors, not unique values.
# Notice how values can repeat in the output:
x = torch.tensor([[1, 3, 2, 3], [1, 2, 1, 2]], dtype=torch.long)
print(torch.unique(x, dim=0))  # unique rows
# Both rows are kept because they're different from each other,
# even though values 1, 2, 3 appear multiple times in the output.
print(torch.unique(x, dim=1))  # unique columns
# The value 1 appears twice because we're comparing columns, not values.
# Compare with flattened (no dim):
print(torch.unique(x))
a = torch.tensor([
    [
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
    ],
    [
        [0, 0, 1, 1],
        [0, 0, 1, 1],
        [1, 1, 1, 1],
    ],
    [
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
    ],
])
# If we call `torch.unique(a, dim=0)`, each of the tensors `a[idx, :, :]`
# will be compared. We can see that `a[0, :, :]` and `a[2, :, :]` match
# each other, so one of them will be removed.
print((a[0, :, :] == a[2, :, :]).all())
a_unique_dim0 = torch.unique(a, dim=0)
print(a_unique_dim0)
# Notice which sub-tensors from `a` match with the sub-tensors from
# `a_unique_dim0`:
print((a_unique_dim0[0, :, :] == a[1, :, :]).all())
print((a_unique_dim0[1, :, :] == a[0, :, :]).all())
# For `torch.unique(a, dim=1)`, each of the tensors `a[:, idx, :]` are
# compared. `a[:, 0, :]` and `a[:, 1, :]` match each other, so one of
# them will be removed.
print((a[:, 0, :] == a[:, 1, :]).all())
print(torch.unique(a, dim=1))
# For `torch.unique(a, dim=2)`, the tensors `a[:, :, idx]` are compared.
# `a[:, :, 0]` and `a[:, :, 1]` match each other. Also, `a[:, :, 2]` and
# `a[:, :, 3]` match each other as well. So in this case, two of the
# sub-tensors will be removed.
print((a[:, :, 0] == a[:, :, 1]).all())
print((a[:, :, 2] == a[:, :, 3]).all())
print(torch.unique(a, dim=2))
