/// Sorting and priority queues for the committee selection, in O(n log n): with 200 candidates
/// the quadratic versions cost a large share of an epoch change's computation budget (Move
/// charges every instruction, and more per instruction as a transaction grows).
module floe::sort;

/// Indices of `values` sorted by value, highest first; equal values keep their order (a
/// bottom-up merge sort).
public fun order_desc(values: &vector<u64>): vector<u64> {
    let n = values.length();
    let mut order = vector::tabulate!(n, |i| i);
    let mut width = 1;
    while (width < n) {
        let mut merged = vector[];
        let mut lo = 0;
        while (lo < n) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while (i < mid || j < hi) {
                // Take from the left run unless the right one holds a strictly larger value.
                if (j >= hi || (i < mid && values[order[i]] >= values[order[j]])) {
                    merged.push_back(order[i]);
                    i = i + 1;
                } else {
                    merged.push_back(order[j]);
                    j = j + 1;
                }
            };
            lo = hi;
        };
        order = merged;
        width = width * 2;
    };
    order
}

/// Indices of `keys` sorted ascending (ties in index order).
public fun order_asc_u256(keys: &vector<u256>): vector<u64> {
    let n = keys.length();
    let mut order = vector::tabulate!(n, |i| i);
    let mut width = 1;
    while (width < n) {
        let mut merged = vector[];
        let mut lo = 0;
        while (lo < n) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while (i < mid || j < hi) {
                if (j >= hi || (i < mid && keys[order[i]] <= keys[order[j]])) {
                    merged.push_back(order[i]);
                    i = i + 1;
                } else {
                    merged.push_back(order[j]);
                    j = j + 1;
                }
            };
            lo = hi;
        };
        order = merged;
        width = width * 2;
    };
    order
}

/// The index (into `keys`) of `key`, with `order` the indices of `keys` in ascending order
/// (`order_asc_u256`): a bisection.
public fun find_u256(keys: &vector<u256>, order: &vector<u64>, key: u256): Option<u64> {
    let (mut lo, mut hi) = (0, order.length());
    while (lo < hi) {
        let mid = (lo + hi) / 2;
        let k = keys[order[mid]];
        if (k == key) return option::some(order[mid]);
        if (k < key) lo = mid + 1 else hi = mid;
    };
    option::none()
}

/// An object id as a number (its bytes read big-endian: numeric order is byte order).
public fun id_key(id: &ID): u256 { id.to_address().to_u256() }

/// A binary max-heap of indices under `higher(a, b)` (true when `a` must come out before
/// `b`; a strict total order). `$higher` is a macro argument so each use is inlined.
public macro fun heap_push($heap: &mut vector<u64>, $item: u64, $higher: |u64, u64| -> bool) {
    let heap = $heap;
    heap.push_back($item);
    let mut k = heap.length() - 1;
    while (k > 0) {
        let parent = (k - 1) / 2;
        if (!$higher(heap[k], heap[parent])) break;
        heap.swap(k, parent);
        k = parent;
    };
}

/// Removes and returns the top of a non-empty heap built with `heap_push`.
public macro fun heap_pop($heap: &mut vector<u64>, $higher: |u64, u64| -> bool): u64 {
    let heap = $heap;
    let last = heap.length() - 1;
    heap.swap(0, last);
    let top = heap.pop_back();
    let n = heap.length();
    let mut k = 0;
    loop {
        let (l, r) = (2 * k + 1, 2 * k + 2);
        let mut best = k;
        if (l < n && $higher(heap[l], heap[best])) best = l;
        if (r < n && $higher(heap[r], heap[best])) best = r;
        if (best == k) break;
        heap.swap(k, best);
        k = best;
    };
    top
}

#[test]
fun stable_descending_order() {
    assert!(order_desc(&vector[]) == vector[]);
    assert!(order_desc(&vector[5]) == vector[0]);
    assert!(order_desc(&vector[1, 3, 2, 3, 1]) == vector[1, 3, 2, 0, 4]);
    let values = vector::tabulate!(37, |i| (i * 7919) % 13);
    let order = order_desc(&values);
    let mut k = 1;
    while (k < order.length()) {
        let (a, b) = (order[k - 1], order[k]);
        assert!(values[a] > values[b] || (values[a] == values[b] && a < b));
        k = k + 1;
    };
}

#[test]
fun ascending_keys() {
    let keys = vector[9, 1, 5, 1];
    let order = order_asc_u256(&keys);
    assert!(order == vector[1, 3, 2, 0]);
    assert!(find_u256(&keys, &order, 5) == option::some(2));
    assert!(find_u256(&keys, &order, 9) == option::some(0));
    assert!(find_u256(&keys, &order, 4).is_none());
}

#[test_only]
fun before(prio: &vector<u64>, a: u64, b: u64): bool {
    prio[a] > prio[b] || (prio[a] == prio[b] && a < b)
}

#[test]
fun heap_orders_by_priority() {
    let prio = vector[4u64, 9, 1, 9, 7, 0];
    let mut heap = vector[];
    6u64.do!(|i| heap_push!(&mut heap, i, |a, b| before(&prio, a, b)));
    let mut out = vector[];
    while (!heap.is_empty()) {
        out.push_back(heap_pop!(&mut heap, |a, b| before(&prio, a, b)));
    };
    assert!(out == vector[1, 3, 4, 0, 2, 5]);
}
