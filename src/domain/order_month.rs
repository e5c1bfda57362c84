//! The month of an order: what public pages, feeds and the API show instead of the order date.
//! A seller who sees the exact day next to the price can match the report to one order, and
//! so to one buyer; the month is still useful and matches none.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

/// A calendar month. It has no day, so no code can show one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderMonth {
    year: i32,
    month: Month,
}

impl OrderMonth {
    /// The month of `date`; its day is dropped.
    pub fn of(date: Date) -> Self {
        OrderMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// `2026-03`, as the API and `<time datetime>` write it.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}", self.year, u8::from(self.month))
    }
}

/// `March 2026`, for people.
impl fmt::Display for OrderMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.month, self.year)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a month in the form YYYY-MM: {0:?}")]
pub struct NotAMonth(pub String);

/// Reads `YYYY-MM`, as the database writes it (`to_char(order_date, 'YYYY-MM')`).
impl FromStr for OrderMonth {
    type Err = NotAMonth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || NotAMonth(s.to_owned());
        let (year, month) = s.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u8 = month.parse().map_err(|_| bad())?;
        let month = Month::try_from(month).map_err(|_| bad())?;
        Ok(OrderMonth { year, month })
    }
}

impl Serialize for OrderMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for OrderMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_day_is_dropped() {
        let month = OrderMonth::of(date!(2026 - 03 - 31));
        assert_eq!(month, OrderMonth::of(date!(2026 - 03 - 01)));
        assert_eq!(month.iso(), "2026-03");
        assert_eq!(month.to_string(), "March 2026");
    }

    #[test]
    fn months_round_trip_through_their_iso_text_and_json() {
        let month = OrderMonth::of(date!(1999 - 12 - 05));
        assert_eq!("1999-12".parse::<OrderMonth>(), Ok(month));
        let json = serde_json::to_string(&month).expect("serialises");
        assert_eq!(json, "\"1999-12\"");
        assert_eq!(
            serde_json::from_str::<OrderMonth>(&json).expect("parses"),
            month
        );
    }

    #[test]
    fn anything_but_a_month_is_refused() {
        for text in [
            "2026-3",
            "2026-13",
            "2026-00",
            "26-03",
            "2026-03-01",
            "March",
            "",
        ] {
            assert!(text.parse::<OrderMonth>().is_err(), "{text:?} was accepted");
        }
    }
}
