//! Sorting and ordered maps that cost the page little code.
//!
//! The page is built for size, and every element type the standard library sorts or keeps in
//! a `BTreeMap` gets its own copy of that code: about 3 KB of wasm per sort and per map type,
//! 77 KB in all when the history came into the page. Here every sort shares one instantiation
//! of the standard sort (over indices), and [`SortedMap`] is a vector kept in key order,
//! whose few small methods are all a map type adds. Our maps are small (days, hours, servers)
//! and written nearly always at their end, where a vector is also the fastest.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

/// Sorts `items` stably by `compare`.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    permute(items, order);
}

/// Sorts `items` stably by `key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)))
}

/// The indices `0..len` in the order `compare` puts the items they name. Not generic: the
/// one place the standard sort is instantiated.
fn sorted_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Moves `items[order[i]]` to position `i`, following each cycle of the permutation once.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// A map kept as a vector of `(key, value)` in key order, keys unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn new() -> Self {
        SortedMap::default()
    }

    /// Where `key` is (`Ok`) or would go (`Err`); the end is checked first, where most
    /// writes land.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        match self.entries.last() {
            None => Err(0),
            Some((last, _)) => match last.borrow().cmp(key) {
                Ordering::Less => Err(self.entries.len()),
                Ordering::Equal => Ok(self.entries.len() - 1),
                Ordering::Greater => self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)),
            },
        }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Puts `value` under `key`; returns what it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value under `key`, made by `make` if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries whose keys lie in `range`, in order.
    pub fn range(&self, range: impl RangeBounds<K>) -> &[(K, V)] {
        let start = match range.start_bound() {
            Bound::Included(k) => self.entries.partition_point(|(e, _)| e < k),
            Bound::Excluded(k) => self.entries.partition_point(|(e, _)| e <= k),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(k) => self.entries.partition_point(|(e, _)| e <= k),
            Bound::Excluded(k) => self.entries.partition_point(|(e, _)| e < k),
            Bound::Unbounded => self.entries.len(),
        };
        &self.entries[start..end.max(start)]
    }

    /// Removes the entries from `key` on and returns them.
    pub fn split_off(&mut self, key: &K) -> SortedMap<K, V> {
        let at = self.entries.partition_point(|(k, _)| k < key);
        SortedMap {
            entries: self.entries.split_off(at),
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// The entries, in key order.
    pub fn into_vec(self) -> Vec<(K, V)> {
        self.entries
    }
}

/// From pairs in any order; of a key given twice, the last value stays (as with `insert`).
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut entries: Vec<(K, V)> = pairs.into_iter().collect();
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            let mut unique: Vec<(K, V)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match unique.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => unique.push(entry),
                }
            }
            entries = unique;
        }
        SortedMap { entries }
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// Like `BTreeMap`'s: panics when the key is missing.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// A set kept as a sorted vector: a [`SortedMap`] without values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedSet<K>(SortedMap<K, ()>);

impl<K> Default for SortedSet<K> {
    fn default() -> Self {
        SortedSet(SortedMap::default())
    }
}

impl<K: Ord> SortedSet<K> {
    pub fn new() -> Self {
        SortedSet::default()
    }

    /// Adds `key`; returns whether it was new.
    pub fn insert(&mut self, key: K) -> bool {
        self.0.insert(key, ()).is_none()
    }

    pub fn contains(&self, key: &K) -> bool {
        self.0.contains_key(key)
    }

    pub fn split_off(&mut self, key: &K) -> SortedSet<K> {
        SortedSet(self.0.split_off(key))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.0.keys()
    }
}

impl<K: Ord> FromIterator<K> for SortedSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Self {
        SortedSet(keys.into_iter().map(|k| (k, ())).collect())
    }
}

impl<K> IntoIterator for SortedSet<K> {
    type Item = K;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(K, ())>, fn((K, ())) -> K>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(k, ())| k)
    }
}

impl<'a, K> IntoIterator for &'a SortedSet<K> {
    type Item = &'a K;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, ())>, fn(&'a (K, ())) -> &'a K>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.entries.iter().map(|(k, ())| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn sorts_stably_like_the_standard_sort(items in prop::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = items.clone();
            sort_by_key(&mut ours, |item| item.0);
            let mut std_sorted = items;
            std_sorted.sort_by_key(|item| item.0);
            prop_assert_eq!(ours, std_sorted);
        }

        #[test]
        fn behaves_like_a_btree_map(
            ops in prop::collection::vec((0u8..4, 0i16..64, any::<u8>()), 0..300),
            probe in 0i16..64,
        ) {
            let mut ours: SortedMap<i16, u8> = SortedMap::new();
            let mut reference: BTreeMap<i16, u8> = BTreeMap::new();
            for (op, key, value) in ops {
                match op {
                    0 => prop_assert_eq!(ours.insert(key, value), reference.insert(key, value)),
                    1 => prop_assert_eq!(ours.remove(&key), reference.remove(&key)),
                    2 => {
                        let ours = ours.get_or_insert_with(key, || value);
                        *ours = ours.wrapping_add(1);
                        let theirs = reference.entry(key).or_insert(value);
                        *theirs = theirs.wrapping_add(1);
                    }
                    _ => prop_assert_eq!(ours.get(&key), reference.get(&key)),
                }
            }
            let pairs = |map: &BTreeMap<i16, u8>, lo: i16, hi: i16| -> Vec<(i16, u8)> {
                map.range(lo..=hi).map(|(k, v)| (*k, *v)).collect()
            };
            prop_assert_eq!(ours.range(probe..=probe + 9).to_vec(), pairs(&reference, probe, probe + 9));
            prop_assert_eq!(ours.range(probe..probe).len(), 0);
            let tail = ours.split_off(&probe);
            let reference_tail = reference.split_off(&probe);
            prop_assert_eq!(tail.into_vec(), reference_tail.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(ours.into_vec(), reference.into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn collecting_keeps_the_last_value_of_a_key(pairs in prop::collection::vec((0u8..16, any::<u8>()), 0..100)) {
            let ours: SortedMap<u8, u8> = pairs.iter().copied().collect();
            let reference: BTreeMap<u8, u8> = pairs.into_iter().collect();
            prop_assert_eq!(ours.into_vec(), reference.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn looks_up_string_keys_by_str() {
        let mut servers: SortedMap<String, u32> = SortedMap::new();
        servers.insert("b".into(), 2);
        servers.insert("a".into(), 1);
        assert_eq!(servers.get("a"), Some(&1));
        assert!(servers.contains_key("b"));
        assert_eq!(servers.keys().collect::<Vec<_>>(), ["a", "b"]);
    }
}
