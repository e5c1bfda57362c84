//! Prices: an exact decimal amount in an ISO 4217 currency. Never a float.

use iso_currency::Currency;
use rust_decimal::Decimal;

/// A positive amount of money in a known currency, with no more decimals than it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// Why a price was refused; `Display` is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("Enter the price as a number, like 19.99")]
    NotANumber,
    #[error("The price must be more than zero")]
    NotPositive,
    #[error("The price is too large")]
    TooLarge,
    #[error("{currency} prices have at most {digits} decimal places")]
    TooManyDecimals { currency: &'static str, digits: u16 },
    #[error("Choose a currency as a three-letter ISO 4217 code, like USD or EUR")]
    UnknownCurrency,
}

/// Upper bound that keeps amounts inside numeric(18, 4) with room to spare.
const MAX_AMOUNT: i64 = 1_000_000_000;

impl Money {
    /// Parses an amount written by a person (`"19.99"`, `" 1,299.00 "` is refused: no grouping)
    /// and a currency code (case-insensitive).
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        let currency = Currency::from_code(&currency.trim().to_ascii_uppercase())
            .ok_or(MoneyError::UnknownCurrency)?;
        let amount = Decimal::from_str_exact(amount.trim()).map_err(|_| MoneyError::NotANumber)?;
        Self::new(amount, currency)
    }

    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount <= Decimal::ZERO {
            return Err(MoneyError::NotPositive);
        }
        if amount >= Decimal::from(MAX_AMOUNT) {
            return Err(MoneyError::TooLarge);
        }
        // Currencies without minor units (XAU, XXX…) have no exponent; allow four decimals.
        let digits = currency.exponent().unwrap_or(4);
        let amount = amount.normalize();
        if amount.scale() > u32::from(digits) {
            return Err(MoneyError::TooManyDecimals {
                currency: currency.code(),
                digits,
            });
        }
        Ok(Self { amount, currency })
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency_code(&self) -> &'static str {
        self.currency.code()
    }

    /// The amount with exactly the currency's decimals, as shown to people: `19.90`.
    pub fn amount_string(&self) -> String {
        let digits = self.currency.exponent().unwrap_or(4);
        let mut shown = self.amount;
        shown.rescale(u32::from(digits));
        shown.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_prices_parse() {
        let money = Money::parse("19.99", "usd").expect("valid");
        assert_eq!(money.currency_code(), "USD");
        assert_eq!(money.amount_string(), "19.99");
        assert_eq!(
            Money::parse(" 5 ", "EUR").map(|m| m.amount_string()),
            Ok("5.00".into())
        );
    }

    #[test]
    fn yen_has_no_decimals_and_dinar_has_three() {
        assert_eq!(
            Money::parse("1200", "JPY").map(|m| m.amount_string()),
            Ok("1200".into())
        );
        assert!(matches!(
            Money::parse("12.5", "JPY"),
            Err(MoneyError::TooManyDecimals { digits: 0, .. })
        ));
        assert_eq!(
            Money::parse("1.234", "KWD").map(|m| m.amount_string()),
            Ok("1.234".into())
        );
    }

    #[test]
    fn trailing_zeros_do_not_count_as_decimals() {
        assert!(Money::parse("1200.00", "JPY").is_ok());
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        assert_eq!(Money::parse("abc", "USD"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1,299.00", "USD"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1e3", "USD"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("0", "USD"), Err(MoneyError::NotPositive));
        assert_eq!(Money::parse("-3", "USD"), Err(MoneyError::NotPositive));
        assert_eq!(
            Money::parse("99999999999", "USD"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Money::parse("10", "DOLLARS"),
            Err(MoneyError::UnknownCurrency)
        );
        assert_eq!(Money::parse("10", ""), Err(MoneyError::UnknownCurrency));
    }
}
