//! The words generated data is made of: brands and what they sell, title decorations, what
//! buyers write, shop and people's names. Lists only; `text` and `catalog` put them together.

/// What a brand sells: decides product titles and price ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Category {
    Shoes,
    Apparel,
    Bags,
    Watches,
    Accessories,
    Electronics,
    Beauty,
    Perfume,
    Toys,
    Home,
    Sports,
}

impl Category {
    pub(super) const ALL: [Category; 11] = [
        Category::Shoes,
        Category::Apparel,
        Category::Bags,
        Category::Watches,
        Category::Accessories,
        Category::Electronics,
        Category::Beauty,
        Category::Perfume,
        Category::Toys,
        Category::Home,
        Category::Sports,
    ];

    /// Products of this kind, as listings title them (after the brand name).
    pub(super) fn products(self) -> &'static [&'static str] {
        match self {
            Category::Shoes => &[
                "Men's Running Shoes",
                "Women's Sneakers",
                "Retro High Top Basketball Shoes",
                "Low Top Leather Trainers",
                "Slide Sandals",
                "Chelsea Boots",
                "Kids Sports Shoes",
                "Platform Canvas Shoes",
            ],
            Category::Apparel => &[
                "Hoodie Oversized",
                "Logo T-Shirt Cotton",
                "Puffer Down Jacket",
                "Tracksuit Set 2 Pieces",
                "Slim Fit Jeans",
                "Polo Shirt",
                "Knitted Beanie Hat",
                "Silk Scarf",
            ],
            Category::Bags => &[
                "Leather Crossbody Bag",
                "Tote Bag Monogram Canvas",
                "Mini Shoulder Bag",
                "Backpack",
                "Card Holder Wallet",
                "Belt Bag",
                "Top Handle Handbag",
                "Travel Duffle Bag",
            ],
            Category::Watches => &[
                "Automatic Men's Watch 41mm",
                "Chronograph Stainless Steel Watch",
                "Diver Watch Ceramic Bezel",
                "Women's Quartz Watch",
                "Skeleton Mechanical Watch",
                "Smart Watch",
            ],
            Category::Accessories => &[
                "Sunglasses Polarized",
                "Charm Bracelet 925 Silver",
                "Pendant Necklace",
                "Love Ring 18K Gold Plated",
                "Stud Earrings",
                "Reversible Leather Belt",
                "Fountain Pen",
            ],
            Category::Electronics => &[
                "Wireless Earbuds with Charging Case",
                "Noise Cancelling Headphones",
                "20W USB-C Fast Charger",
                "Bluetooth Speaker Waterproof",
                "1TB USB Flash Drive",
                "Phone Case",
                "Power Bank 20000mAh",
                "Wireless Mouse",
            ],
            Category::Beauty => &[
                "Matte Lipstick Set",
                "Foundation 30ml",
                "Eyeshadow Palette",
                "Anti-Aging Serum",
                "Hair Repair Treatment",
                "Electric Toothbrush Heads 8 Pack",
                "Moisturizing Cream 50ml",
            ],
            Category::Perfume => &[
                "Eau de Parfum 100ml",
                "Eau de Toilette 50ml",
                "Perfume Gift Set",
                "Cologne for Men 100ml",
                "Body Mist 250ml",
            ],
            Category::Toys => &[
                "Building Blocks Set 1200 Pieces",
                "Plush Toy 30cm",
                "Trading Cards Booster Box",
                "Action Figure Collector Edition",
                "Game Controller",
                "Fashion Doll Playset",
            ],
            Category::Home => &[
                "Cordless Vacuum Cleaner",
                "Hair Dryer",
                "Insulated Tumbler 40oz",
                "Coffee Capsules 50 Pack",
                "Cast Iron Casserole 24cm",
                "Air Purifier",
                "Hair Styler Complete Set",
            ],
            Category::Sports => &[
                "Yoga Leggings High Waist",
                "Golf Driver",
                "Basketball Official Size",
                "Football Jersey 2025",
                "Training Shorts",
                "Tennis Racket",
            ],
        }
    }

    /// Typical price of a fake of this kind, in major currency units (lowest, highest).
    pub(super) fn price_range(self) -> (f64, f64) {
        match self {
            Category::Shoes => (18.0, 95.0),
            Category::Apparel => (8.0, 70.0),
            Category::Bags => (20.0, 240.0),
            Category::Watches => (25.0, 350.0),
            Category::Accessories => (4.0, 90.0),
            Category::Electronics => (4.0, 80.0),
            Category::Beauty => (3.0, 35.0),
            Category::Perfume => (9.0, 50.0),
            Category::Toys => (6.0, 70.0),
            Category::Home => (12.0, 160.0),
            Category::Sports => (8.0, 120.0),
        }
    }
}

/// Brands most often faked, most reported first, with what they are faked as. The generator
/// gives them the top popularity ranks, so that the usual suspects lead every "top brands" list.
pub(super) const FAMOUS_BRANDS: &[(&str, Category)] = &[
    ("Nike", Category::Shoes),
    ("Louis Vuitton", Category::Bags),
    ("Apple", Category::Electronics),
    ("Rolex", Category::Watches),
    ("Gucci", Category::Bags),
    ("Adidas", Category::Shoes),
    ("Chanel", Category::Bags),
    ("Samsung", Category::Electronics),
    ("Air Jordan", Category::Shoes),
    ("Dyson", Category::Home),
    ("Lego", Category::Toys),
    ("Pokémon", Category::Toys),
    ("Hermès", Category::Bags),
    ("Prada", Category::Bags),
    ("Dior", Category::Perfume),
    ("Ray-Ban", Category::Accessories),
    ("Michael Kors", Category::Bags),
    ("Pandora", Category::Accessories),
    ("Cartier", Category::Accessories),
    ("Omega", Category::Watches),
    ("Beats", Category::Electronics),
    ("The North Face", Category::Apparel),
    ("Moncler", Category::Apparel),
    ("Canada Goose", Category::Apparel),
    ("Supreme", Category::Apparel),
    ("Off-White", Category::Apparel),
    ("Balenciaga", Category::Shoes),
    ("Yeezy", Category::Shoes),
    ("New Balance", Category::Shoes),
    ("Stanley", Category::Home),
    ("Bose", Category::Electronics),
    ("Sony", Category::Electronics),
    ("JBL", Category::Electronics),
    ("Converse", Category::Shoes),
    ("Vans", Category::Shoes),
    ("Puma", Category::Shoes),
    ("UGG", Category::Shoes),
    ("Dr. Martens", Category::Shoes),
    ("Burberry", Category::Apparel),
    ("Versace", Category::Apparel),
    ("Fendi", Category::Bags),
    ("Yves Saint Laurent", Category::Bags),
    ("Goyard", Category::Bags),
    ("Celine", Category::Bags),
    ("Coach", Category::Bags),
    ("Tiffany & Co.", Category::Accessories),
    ("Swarovski", Category::Accessories),
    ("Bvlgari", Category::Accessories),
    ("Van Cleef & Arpels", Category::Accessories),
    ("Montblanc", Category::Accessories),
    ("Tag Heuer", Category::Watches),
    ("Patek Philippe", Category::Watches),
    ("Audemars Piguet", Category::Watches),
    ("Casio", Category::Watches),
    ("Seiko", Category::Watches),
    ("Garmin", Category::Electronics),
    ("Xiaomi", Category::Electronics),
    ("Anker", Category::Electronics),
    ("SanDisk", Category::Electronics),
    ("Logitech", Category::Electronics),
    ("Marshall", Category::Electronics),
    ("Nintendo", Category::Toys),
    ("Disney", Category::Toys),
    ("Mattel", Category::Toys),
    ("YETI", Category::Home),
    ("Nespresso", Category::Home),
    ("Le Creuset", Category::Home),
    ("Oral-B", Category::Beauty),
    ("MAC Cosmetics", Category::Beauty),
    ("Estée Lauder", Category::Beauty),
    ("L'Oréal", Category::Beauty),
    ("Fenty Beauty", Category::Beauty),
    ("Olaplex", Category::Beauty),
    ("Creed", Category::Perfume),
    ("Jo Malone", Category::Perfume),
    ("Tom Ford", Category::Perfume),
    ("Lancôme", Category::Perfume),
    ("Lululemon", Category::Sports),
    ("Under Armour", Category::Sports),
    ("Callaway", Category::Sports),
    ("Oakley", Category::Sports),
    ("Levi's", Category::Apparel),
    ("Ralph Lauren", Category::Apparel),
    ("Tommy Hilfiger", Category::Apparel),
    ("Lacoste", Category::Apparel),
    ("Calvin Klein", Category::Apparel),
    ("Stone Island", Category::Apparel),
    ("Dolce & Gabbana", Category::Apparel),
];

/// Spellings buyers use for famous brands (alias slug, brand slug), as moderators would file
/// them in `brand_alias`.
pub(super) const BRAND_ALIASES: &[(&str, &str)] = &[
    ("lv", "louis-vuitton"),
    ("ysl", "yves-saint-laurent"),
    ("saint-laurent", "yves-saint-laurent"),
    ("ck", "calvin-klein"),
    ("d-g", "dolce-gabbana"),
    ("mk", "michael-kors"),
    ("tnf", "the-north-face"),
    ("jordan", "air-jordan"),
    ("hermes", "hermès"),
    ("loreal", "loréal"),
    ("beats-by-dre", "beats"),
    ("pokemon", "pokémon"),
];

/// Syllable parts of made-up brand and shop names.
pub(super) const ONSETS: &[&str] = &[
    "b", "br", "c", "ch", "d", "f", "g", "gr", "k", "l", "m", "n", "p", "r", "s", "st", "t", "tr",
    "v", "z", "h", "j", "qu", "sol", "mar", "val",
];
pub(super) const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ia", "ea", "io", "y", "au"];
pub(super) const CODAS: &[&str] = &[
    "", "", "", "n", "r", "s", "x", "l", "m", "nd", "rt", "k", "tt",
];
/// Words after a made-up brand name ("Vexora Milano").
pub(super) const BRAND_SUFFIXES: &[&str] = &[
    "Paris", "Milano", "London", "Studio", "Audio", "Tech", "Sport", "Beauty", "Atelier", "Home",
    "Kids", "Lab", "Outdoor", "Jeans", "Watches",
];

/// Words sellers put before the product in a title (index 0: none).
pub(super) const TITLE_PREFIXES: &[&str] = &[
    "",
    "New ",
    "Original ",
    "2025 New ",
    "Hot Sale ",
    "Authentic ",
    "Luxury ",
    "Top Quality ",
    "100% Genuine ",
];

/// Words sellers put after the product in a title (index 0: none).
pub(super) const TITLE_SUFFIXES: &[&str] = &[
    "",
    " Black",
    " White",
    " Black/Gold",
    " Pink",
    " Navy Blue",
    " Beige",
    " with Box",
    " Free Shipping",
    " Unisex",
    " Limited Edition",
    " Gift for Her",
    " Gift for Him",
];

/// What buyers say for each reason, in `Reason::ALL` order. `{brand}` is the brand's name.
pub(super) const REASON_SENTENCES: [&[&str]; 8] = [
    &[
        "It was a fraction of the retail price.",
        "The price was far too good to be true.",
        "Genuine ones cost about ten times as much.",
        "Way cheaper than on the official {brand} website.",
    ],
    &[
        "The logo is crooked and the font is wrong.",
        "The box has spelling mistakes and the wrong colours.",
        "The {brand} logo is printed, not embossed like on the real one.",
        "The packaging is flimsy and has no hologram sticker.",
    ],
    &[
        "The stitching came apart after two days.",
        "It smells strongly of glue and the materials feel cheap.",
        "The paint flaked off within a week.",
        "It stopped working after a few uses.",
    ],
    &[
        "There is no serial number anywhere.",
        "The serial number does not exist when checked with {brand}.",
        "Every unit from this seller has the same serial number.",
    ],
    &[
        "The seller called it a \"1:1 copy\" in the chat.",
        "The listing says \"AAA replica\" in the small print.",
        "The seller admitted it is not original when I complained.",
    ],
    &[
        "The charger got very hot and melted the plug.",
        "No CE marking and the battery swelled after a week.",
        "My skin reacted badly; the ingredients list is fake.",
        "Small parts come off easily; not safe for children.",
    ],
    &[
        "{brand} customer service confirmed from my photos that it is counterfeit.",
        "An authorised {brand} store checked it and said it is fake.",
    ],
    &[
        "The item is different from the photos in the listing.",
        "It shipped from a different seller than the one listed.",
        "The seller keeps relisting it under new names.",
    ],
];

/// How buyers start a description, before the reasons.
pub(super) const OPENERS: &[&str] = &[
    "Ordered this as a gift.",
    "Bought it during a sale.",
    "I have owned the genuine {brand} one for years.",
    "Arrived after three weeks.",
    "Second time I got a fake from here.",
];

/// How buyers end one.
pub(super) const CLOSERS: &[&str] = &[
    "Reported to the marketplace as well.",
    "The seller refused a refund.",
    "Do not buy from this seller.",
    "Refund received after I opened a dispute.",
    "Photos attached.",
    "The listing is still online.",
];

/// Parts of reporters' e-mail addresses.
pub(super) const FIRST_NAMES: &[&str] = &[
    "maria", "james", "anna", "li", "mohammed", "sofia", "lucas", "emma", "noah", "olivia", "yuki",
    "pedro", "fatima", "jan", "chloe", "david", "aisha", "tom", "elena", "ravi",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "smith", "garcia", "muller", "rossi", "wang", "kowalski", "silva", "dubois", "jensen", "khan",
    "tanaka", "brown", "novak", "cohen", "murphy", "santos", "berg", "popescu", "ali", "lee",
];

/// Words in shop names.
pub(super) const SHOP_WORDS: &[&str] = &[
    "Fashion", "Trendy", "Luxury", "Outlet", "Global", "Direct", "Best", "Top", "Happy", "Super",
    "Smart", "Sport", "Beauty", "Home", "Kids", "Mall", "Factory", "Boutique", "Deals", "Style",
    "Dream", "Star", "Sunny", "Lucky", "Golden", "Royal", "Urban", "Elite", "Prime", "Mega",
];
/// Where the factories and trading companies behind many shops are.
pub(super) const CITIES: &[&str] = &[
    "Shenzhen",
    "Guangzhou",
    "Yiwu",
    "Hangzhou",
    "Dongguan",
    "Ningbo",
    "Xiamen",
    "Putian",
];
/// Domains of independent web shops.
pub(super) const OTHER_TLDS: &[&str] = &[
    "com", "shop", "store", "net", "co.uk", "top", "online", "de",
];
