"""PyTorch's CPU ``topk`` order for tied keys: the C++ standard library's selection, replayed.

``topk`` (largest, sorted) puts (key, index) pairs in order with ``std::partial_sort`` when
``k * 64 <= n``, else with ``std::nth_element`` at k - 1 followed by ``std::sort`` of the
first k - 1 (``TopKImpl.h``). Neither is stable, so tied keys come out in whatever order
the algorithms leave them; these functions are libstdc++'s (``stl_algo.h``, ``stl_heap.h``),
step for step, so that order is PyTorch's too. Only tied keys need them: distinct keys have
one order. ``multinomial`` without replacement meets ties when it is asked for more samples
than a row has nonzero weights (the zero weights all race to 0).
"""
from __future__ import annotations

_INSERTION_THRESHOLD = 16   # std::sort's _S_threshold


def topk_indices(keys, k):
    """The indices of the k largest ``keys`` in the order PyTorch's CPU topk gives them."""
    queue = [(key, index) for index, key in enumerate(keys)]
    n = len(queue)
    if k * 64 <= n:
        _heap_select(queue, 0, k, n)
        _sort_heap(queue, 0, k)
    else:
        _introselect(queue, 0, k - 1, n, 2 * _floor_log2(n))
        _sort(queue, 0, k - 1)
    return [index for _, index in queue[:k]]


def _before(a, b):
    """The comparator: larger keys first."""
    return a[0] > b[0]


def _floor_log2(n):
    return n.bit_length() - 1


# -- std::nth_element and std::sort -------------------------------------------------------------

def _introselect(q, first, nth, last, depth_limit):
    while last - first > 3:
        if depth_limit == 0:
            _heap_select(q, first, nth + 1, last)
            q[first], q[nth] = q[nth], q[first]
            return
        depth_limit -= 1
        cut = _partition_around_median(q, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last)


def _sort(q, first, last):
    if first == last:
        return
    _introsort_loop(q, first, last, 2 * _floor_log2(last - first))
    if last - first > _INSERTION_THRESHOLD:
        _insertion_sort(q, first, first + _INSERTION_THRESHOLD)
        for i in range(first + _INSERTION_THRESHOLD, last):
            _linear_insert(q, i)
    else:
        _insertion_sort(q, first, last)


def _introsort_loop(q, first, last, depth_limit):
    while last - first > _INSERTION_THRESHOLD:
        if depth_limit == 0:
            _heap_select(q, first, last, last)
            _sort_heap(q, first, last)
            return
        depth_limit -= 1
        cut = _partition_around_median(q, first, last)
        _introsort_loop(q, cut, last, depth_limit)
        last = cut


def _partition_around_median(q, first, last):
    """``__unguarded_partition_pivot``: the median of three moved to ``first`` is the pivot."""
    _move_median_to_first(q, first, first + 1, first + (last - first) // 2, last - 1)
    low, high = first + 1, last
    while True:
        while _before(q[low], q[first]):
            low += 1
        high -= 1
        while _before(q[first], q[high]):
            high -= 1
        if not low < high:
            return low
        q[low], q[high] = q[high], q[low]
        low += 1


def _move_median_to_first(q, result, a, b, c):
    if _before(q[a], q[b]):
        median = b if _before(q[b], q[c]) else c if _before(q[a], q[c]) else a
    else:
        median = a if _before(q[a], q[c]) else c if _before(q[b], q[c]) else b
    q[result], q[median] = q[median], q[result]


def _insertion_sort(q, first, last):
    for i in range(first + 1, last):
        if _before(q[i], q[first]):
            q[first:i + 1] = [q[i]] + q[first:i]
        else:
            _linear_insert(q, i)


def _linear_insert(q, last):
    value = q[last]
    while _before(value, q[last - 1]):
        q[last] = q[last - 1]
        last -= 1
    q[last] = value


# -- std::partial_sort's heap -------------------------------------------------------------------

def _heap_select(q, first, middle, last):
    _make_heap(q, first, middle)
    for i in range(middle, last):
        if _before(q[i], q[first]):
            _pop_heap(q, first, middle, i)


def _sort_heap(q, first, last):
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last)


def _make_heap(q, first, last):
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(q, first, parent, length, q[first + parent])


def _pop_heap(q, first, last, result):
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value)


def _adjust_heap(q, first, hole, length, value):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if _before(q[first + child], q[first + child - 1]):
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and _before(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value
