//! Every variant of an enum as an array, from strum's `VariantArray`, so that no enum keeps a
//! hand-written list of its variants that a new one could be missing from.

/// `T`'s variants in declaration order. An array rather than strum's slice, so that the enums'
/// `ALL` constants iterate by value (`for m in Marketplace::ALL`) and `map` as arrays do.
/// `N` must be the number of variants (`T::VARIANTS.len()`); anything else fails to compile.
pub const fn all<T: strum::VariantArray + Copy, const N: usize>() -> [T; N] {
    let variants = T::VARIANTS;
    assert!(variants.len() == N, "N is not the number of variants");
    let mut all = [variants[0]; N];
    let mut i = 1;
    while i < N {
        all[i] = variants[i];
        i += 1;
    }
    all
}
