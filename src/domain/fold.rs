// TEMPORARY STUB
pub fn fold_name(i: &str) -> String { i.to_lowercase() }
pub fn slugify(i: &str) -> String { i.to_lowercase() }
pub fn clean_display(i: &str) -> String { i.trim().to_owned() }
