//! Concurrency limits that tokio's `Semaphore` does not cover on its own: at most `n` at once
//! *per key* (per rights holder, say), with keys that come and go.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// At most `per_key` holders of a [`KeyedPermit`] per key at once.
#[derive(Debug)]
pub struct PerKeyLimit<K> {
    per_key: usize,
    running: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K> Clone for PerKeyLimit<K> {
    fn clone(&self) -> Self {
        PerKeyLimit {
            per_key: self.per_key,
            running: Arc::clone(&self.running),
        }
    }
}

/// Counts for its key until dropped.
#[derive(Debug)]
pub struct KeyedPermit<K: Eq + Hash> {
    key: K,
    running: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Eq + Hash + Clone> PerKeyLimit<K> {
    pub fn new(per_key: usize) -> Self {
        PerKeyLimit {
            per_key: per_key.max(1),
            running: Arc::default(),
        }
    }

    /// The most permits one key may hold.
    pub fn per_key(&self) -> usize {
        self.per_key
    }

    /// A permit for `key`, or `None` when `key` already holds as many as allowed.
    pub fn try_acquire(&self, key: K) -> Option<KeyedPermit<K>> {
        // A poisoned lock only means another thread panicked between two integer updates;
        // the counts are still whole.
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let count = running.entry(key.clone()).or_insert(0);
        if *count >= self.per_key {
            return None;
        }
        *count += 1;
        Some(KeyedPermit {
            key,
            running: Arc::clone(&self.running),
        })
    }
}

impl<K: Eq + Hash> Drop for KeyedPermit<K> {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = running.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                // Keys that hold nothing take no memory.
                running.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_gets_its_own_allowance() {
        let limit = PerKeyLimit::new(2);
        let a1 = limit.try_acquire("a").expect("first");
        let _a2 = limit.try_acquire("a").expect("second");
        assert!(limit.try_acquire("a").is_none(), "a third is refused");
        let _b = limit.try_acquire("b").expect("another key is not affected");
        drop(a1);
        assert!(
            limit.try_acquire("a").is_some(),
            "a released permit is free again"
        );
    }

    #[test]
    fn keys_holding_nothing_are_forgotten() {
        let limit = PerKeyLimit::new(1);
        drop(limit.try_acquire(7).expect("permit"));
        assert!(limit.running.lock().expect("lock").is_empty());
    }
}
