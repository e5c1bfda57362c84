//! Lists that come in numbered parts (AliExpress takes 300 links per complaint): how many parts
//! a list makes, and where the next one starts.
//!
//! Part 1 reads the list at a snapshot and counts it; each later part is read as of that same
//! snapshot, continuing after the last listing of the part before, and carries the count in
//! its link so that fetching every part does not recount the rest of the list each time.

use super::cursor::Cursor;
use super::request::ExportRequest;

/// Where the parts of a list stand: how many there are and where the next one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub count: i64,
    /// The next part's number and the listing it starts after; `None` for the last part.
    pub next_part: Option<(i64, i64)>,
}

/// How many parts of `rows_per_part` a list of `rows` makes: at least one, so that an empty
/// list is one empty part.
pub fn part_count(rows: i64, rows_per_part: i64) -> i64 {
    ((rows + rows_per_part - 1) / rows_per_part).max(1)
}

impl Parts {
    /// Part `part` of a list counted at `counted` parts, which ends at listing `end` when
    /// another part follows it. Rows only leave a list read as of its first part, so the list
    /// may end sooner than counted, and a part that has a next one is never the last.
    pub fn new(part: i64, counted: i64, end: Option<i64>) -> Parts {
        Parts {
            count: if end.is_some() {
                counted.max(part + 1)
            } else {
                part
            },
            next_part: end.map(|end| (part + 1, end)),
        }
    }
}

impl ExportRequest {
    /// For presets that come in parts: this request's part number and the rows per part.
    pub fn part_rows(&self) -> Option<(i64, i64)> {
        Some((self.part?, self.preset?.part_rows()?))
    }

    /// The part count a later part's link carries; `None` when it must be counted (part 1,
    /// or a link without one).
    pub fn carried_part_count(&self) -> Option<i64> {
        match (self.part, self.parts) {
            (Some(part), Some(count)) if part != 1 => Some(count),
            _ => None,
        }
    }

    /// Limits the list to one part of `rows_per_part` read as of the first part's snapshot.
    pub fn read_as_part(&mut self, first_part: &Cursor, rows_per_part: i64) {
        self.filter.frozen = Some(first_part.clone());
        self.filter.limit = Some(rows_per_part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_makes_as_many_parts_as_its_rows_fill_and_at_least_one() {
        assert_eq!(part_count(0, 300), 1);
        assert_eq!(part_count(1, 300), 1);
        assert_eq!(part_count(300, 300), 1);
        assert_eq!(part_count(301, 300), 2);
        assert_eq!(part_count(900, 300), 3);
    }

    #[test]
    fn a_part_with_a_next_one_is_never_counted_as_the_last() {
        assert_eq!(
            Parts::new(1, 2, Some(41)),
            Parts {
                count: 2,
                next_part: Some((2, 41))
            }
        );
        // A link that carried too small a count still leads on to the next part.
        assert_eq!(Parts::new(3, 2, Some(41)).count, 4);
        // The list ended sooner than counted: this part is the last.
        assert_eq!(
            Parts::new(2, 3, None),
            Parts {
                count: 2,
                next_part: None
            }
        );
    }
}
