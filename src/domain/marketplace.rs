// TEMPORARY STUB
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Marketplace { AliExpress, Amazon, Ebay, Other }
impl Marketplace {
    pub fn as_str(self) -> &'static str { "other" }
    pub fn display_name(self) -> &'static str { "Other" }
}
impl std::str::FromStr for Marketplace { type Err = (); fn from_str(_: &str) -> Result<Self, ()> { Ok(Marketplace::Other) } }
impl std::fmt::Display for Marketplace { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) } }
