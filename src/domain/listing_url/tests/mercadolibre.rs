use super::*;

const ML: Marketplace = Marketplace::MercadoLibre;

#[test]
fn item_links_give_a_normalised_item_id() {
    assert_listings(
        &[
            "https://articulo.mercadolibre.com.ar/MLA-1234567890-auriculares-inalambricos-bluetooth-_JM",
            "https://articulo.mercadolibre.com.ar/MLA-1234567890-auriculares-inalambricos-bluetooth-_JM#position=3&search_layout=stack&type=item&tracking_id=1a2b3c4d",
            "https://articulo.mercadolibre.com.ar/MLA-1234567890-auriculares-_JM?searchVariation=123&quantity=1",
            "https://articulo.mercadolibre.com.ar/MLA-1234567890-_JM",
            "https://articulo.mercadolibre.com.ar/mla-1234567890-auriculares-_JM",
            "https://www.mercadolibre.com.ar/MLA1234567890",
            "https://articulo.mercadolibre.com.mx/MLA-1234567890-x-_JM",
            "http://ARTICULO.MERCADOLIBRE.COM.AR/MLA-1234567890-X-_JM",
            "articulo.mercadolibre.com.ar/MLA-1234567890-x-_JM",
        ],
        ML,
        "MLA1234567890",
        "https://articulo.mercadolibre.com.ar/MLA-1234567890-_JM",
    );
}

#[test]
fn the_site_code_decides_the_canonical_host() {
    assert_listing(
        "https://produto.mercadolivre.com.br/MLB-3456789012-fone-de-ouvido-bluetooth-_JM",
        ML,
        "MLB3456789012",
        "https://produto.mercadolivre.com.br/MLB-3456789012-_JM",
    );
    for (code, tld) in [
        ("MLM", "com.mx"),
        ("MCO", "com.co"),
        ("MLC", "cl"),
        ("MPE", "com.pe"),
        ("MLU", "com.uy"),
        ("MEC", "com.ec"),
    ] {
        assert_listing(
            &format!("https://articulo.mercadolibre.{tld}/{code}-123456789-x-_JM?variation=1"),
            ML,
            &format!("{code}123456789"),
            &format!("https://articulo.mercadolibre.{tld}/{code}-123456789-_JM"),
        );
    }
}

#[test]
fn catalogue_products_get_a_prefixed_id() {
    assert_listings(
        &[
            "https://www.mercadolibre.com.mx/apple-airpods-pro-2da-generacion/p/MLM19615375",
            "https://www.mercadolibre.com.mx/apple-airpods-pro/p/MLM19615375?pdp_filters=category:MLM1234#searchVariation=MLM19615375&position=1&search_layout=grid&type=product",
            "https://www.mercadolibre.com.mx/p/MLM19615375",
            "https://www.mercadolibre.com.mx/x/p/mlm19615375/",
        ],
        ML,
        "p:MLM19615375",
        "https://www.mercadolibre.com.mx/p/MLM19615375",
    );
    assert_listing(
        "https://www.mercadolivre.com.br/fone-bluetooth/p/MLB123456",
        ML,
        "p:MLB123456",
        "https://www.mercadolivre.com.br/p/MLB123456",
    );
}

#[test]
fn seller_pages_give_the_lowercased_nickname() {
    assert_stores(
        &[
            "https://www.mercadolibre.com.ar/pagina/TIENDAELECTRO",
            "https://www.mercadolibre.com.ar/pagina/tiendaelectro?item_id=MLA1234567890",
            "https://www.mercadolibre.com.ar/pagina/tiendaelectro/",
        ],
        ML,
        "tiendaelectro",
        "https://www.mercadolibre.com.ar/pagina/tiendaelectro",
    );
    assert_stores(
        &[
            "https://perfil.mercadolibre.com.ar/TIENDAELECTRO",
            "https://perfil.mercadolibre.com.ar/tiendaelectro?brandId=1",
        ],
        ML,
        "tiendaelectro",
        "https://perfil.mercadolibre.com.ar/tiendaelectro",
    );
    assert_store(
        "https://perfil.mercadolivre.com.br/LOJA.OFICIAL_BR",
        ML,
        "loja.oficial_br",
        "https://perfil.mercadolivre.com.br/loja.oficial_br",
    );
}

#[test]
fn other_mercado_libre_pages_are_refused() {
    assert_not_listing(
        &[
            "https://www.mercadolibre.com.ar/",
            "https://listado.mercadolibre.com.ar/auriculares-bluetooth",
            "https://articulo.mercadolibre.com.ar/XYZ-1234567890-x-_JM",
            "https://articulo.mercadolibre.com.ar/MLA-12-x-_JM",
            "https://articulo.mercadolibre.com.ar/MLA-1234567890abc-x-_JM",
            "https://perfil.mercadolibre.com.ar/TIENDAELECTRO",
            "https://www.mercadolibre.com.mx/x/p/",
        ],
        ML,
    );
    assert_not_store(
        &[
            "https://articulo.mercadolibre.com.ar/MLA-1234567890-x-_JM",
            "https://www.mercadolibre.com.ar/",
            "https://perfil.mercadolibre.com.ar/",
        ],
        ML,
    );
}

#[test]
fn click_trackers_are_other_websites() {
    assert_other(&["https://click1.mercadolibre.com.ar/mclics/clicks/external/MLA/count?a=1"]);
}
