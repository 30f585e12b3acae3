use std::collections::BTreeMap;

use serde::{ser, Serialize};

use super::*;

fn map<V>(entries: impl IntoIterator<Item = (&'static str, V)>) -> BTreeMap<&'static str, V> {
    entries.into_iter().collect()
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct One<T> {
    a: T,
}

fn one<T: Serialize>(a: T) -> String {
    encode(&One { a }).unwrap()
}

#[test]
fn empty_struct_is_the_empty_string() {
    assert_eq!(encode(&Empty {}).unwrap(), "");
    assert_eq!(encode(&BTreeMap::<String, i32>::new()).unwrap(), "");
}

#[test]
fn flat_struct_in_declaration_order() {
    #[derive(Serialize)]
    struct Params {
        name: &'static str,
        amount: i64,
        capture: bool,
        currency: String,
    }
    let params = Params { name: "Jenny", amount: 2000, capture: false, currency: "usd".into() };
    assert_eq!(encode(&params).unwrap(), "name=Jenny&amount=2000&capture=false&currency=usd");
}

#[test]
fn nested_structs_use_brackets() {
    #[derive(Serialize)]
    struct C {
        c: &'static str,
        d: u8,
    }
    #[derive(Serialize)]
    struct B {
        b: C,
    }
    #[derive(Serialize)]
    struct A {
        a: B,
        e: &'static str,
    }
    let value = A { a: B { b: C { c: "v", d: 1 } }, e: "x" };
    assert_eq!(encode(&value).unwrap(), "a[b][c]=v&a[b][d]=1&e=x");
}

#[test]
fn maps_at_the_top_and_nested() {
    let top = map([("b", 2), ("a", 1)]);
    assert_eq!(encode(&top).unwrap(), "a=1&b=2");
    #[derive(Serialize)]
    struct Params {
        metadata: BTreeMap<&'static str, &'static str>,
        nested: BTreeMap<&'static str, BTreeMap<&'static str, i32>>,
    }
    let params = Params {
        metadata: map([("order_id", "6735"), ("note", "gift wrap")]),
        nested: map([("x", map([("y", 1), ("z", 2)]))]),
    };
    assert_eq!(
        encode(&params).unwrap(),
        "metadata[note]=gift%20wrap&metadata[order_id]=6735&nested[x][y]=1&nested[x][z]=2"
    );
}

#[test]
fn sequences_are_always_indexed() {
    assert_eq!(one(["x", "y"]), "a[0]=x&a[1]=y");
    assert_eq!(one(vec![vec![1, 2], vec![], vec![3]]), "a[0][0]=1&a[0][1]=2&a[2][0]=3");
    assert_eq!(one((1, "two", true)), "a[0]=1&a[1]=two&a[2]=true");
    #[derive(Serialize)]
    struct Pair(i32, i32);
    assert_eq!(one(Pair(4, 5)), "a[0]=4&a[1]=5");
}

#[test]
fn sequences_of_structs() {
    #[derive(Serialize)]
    struct Item {
        price: &'static str,
        quantity: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        tax_rates: Option<Vec<&'static str>>,
    }
    let items = vec![
        Item { price: "price_1", quantity: 2, tax_rates: None },
        Item { price: "price_2", quantity: 1, tax_rates: Some(vec!["txr_1", "txr_2"]) },
    ];
    assert_eq!(
        one(items),
        "a[0][price]=price_1&a[0][quantity]=2&a[1][price]=price_2&a[1][quantity]=1\
         &a[1][tax_rates][0]=txr_1&a[1][tax_rates][1]=txr_2"
    );
}

#[test]
fn empty_sequences_maps_and_structs_emit_nothing() {
    #[derive(Serialize)]
    struct Params {
        before: i32,
        list: Vec<i32>,
        map: BTreeMap<String, i32>,
        empty: Empty,
        nested: One<Vec<Empty>>,
        after: i32,
    }
    let params = Params {
        before: 1,
        list: vec![],
        map: BTreeMap::new(),
        empty: Empty {},
        nested: One { a: vec![Empty {}, Empty {}] },
        after: 2,
    };
    assert_eq!(encode(&params).unwrap(), "before=1&after=2");
    assert_eq!(one(Vec::<i32>::new()), "");
}

#[test]
fn none_is_not_sent() {
    #[derive(Serialize)]
    struct Params {
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<i32>,
        not_skipped: Option<i32>,
        set: Option<i32>,
        nested: Option<One<Option<i32>>>,
    }
    let params = Params { skipped: None, not_skipped: None, set: Some(3), nested: Some(One { a: None }) };
    assert_eq!(encode(&params).unwrap(), "set=3");
    // A `None` element keeps its index, as `undefined` does in the Node SDK.
    assert_eq!(one([Some(1), None, Some(3)]), "a[0]=1&a[2]=3");
    assert_eq!(encode(&None::<One<i32>>).unwrap(), "");
    assert_eq!(encode(&Some(One { a: 1 })).unwrap(), "a=1");
}

#[test]
fn unit_is_an_empty_value() {
    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize)]
    struct Params {
        a: (),
        b: Unit,
        c: i32,
    }
    assert_eq!(encode(&Params { a: (), b: Unit, c: 1 }).unwrap(), "a=&b=&c=1");
}

#[test]
fn unicode_is_utf8_percent_encoded() {
    assert_eq!(one("é€😀"), "a=%C3%A9%E2%82%AC%F0%9F%98%80");
    assert_eq!(encode(&map([("é€😀", 'é')])).unwrap(), "%C3%A9%E2%82%AC%F0%9F%98%80=%C3%A9");
    assert_eq!(one('x'), "a=x");
}

#[test]
fn reserved_characters_are_encoded_in_keys_and_values() {
    let specials = "& = + space # % / ? ! * ' ( ) ~";
    let encoded = "%26%20%3D%20%2B%20space%20%23%20%25%20%2F%20%3F%20%21%20%2A%20%27%20%28%20%29%20~";
    assert_eq!(encode(&map([(specials, specials)])).unwrap(), format!("{encoded}={encoded}"));
    assert_eq!(
        one(map([("k", "\t\n\"<>\\^`{|}:;,@$\u{7f}")])),
        "a[k]=%09%0A%22%3C%3E%5C%5E%60%7B%7C%7D%3A%3B%2C%40%24%7F"
    );
    assert_eq!(one("AZaz09-_.~"), "a=AZaz09-_.~");
}

#[test]
fn brackets_stay_raw_in_keys_and_values() {
    assert_eq!(encode(&map([("x[y]", "[v]")])).unwrap(), "x[y]=[v]");
    assert_eq!(one(map([("[", "]")])), "a[[]=]");
}

#[test]
fn bools_and_integers() {
    assert_eq!(one(true), "a=true");
    assert_eq!(one(false), "a=false");
    assert_eq!(one(-42i8), "a=-42");
    assert_eq!(one(0u16), "a=0");
    assert_eq!(one(i64::MAX), "a=9223372036854775807");
    assert_eq!(one(i64::MIN), "a=-9223372036854775808");
    assert_eq!(one(u64::MAX), "a=18446744073709551615");
    assert_eq!(one(i128::MIN), "a=-170141183460469231731687303715884105728");
    assert_eq!(one(u128::MAX), "a=340282366920938463463374607431768211455");
}

#[test]
fn floats_as_javascript_writes_them() {
    assert_eq!(one(1.5), "a=1.5");
    assert_eq!(one(0.1), "a=0.1");
    assert_eq!(one(-2.0), "a=-2");
    assert_eq!(one(100.0), "a=100");
    assert_eq!(one(0.1 + 0.2), "a=0.30000000000000004");
    assert_eq!(one(123456789012345680000.0), "a=123456789012345680000");
    // `1e+21`, with the `+` percent-encoded.
    assert_eq!(one(1e21), "a=1e%2B21");
    assert_eq!(one(-1.2345e300), "a=-1.2345e%2B300");
    assert_eq!(one(1e-6), "a=0.000001");
    assert_eq!(one(1.25e-6), "a=0.00000125");
    assert_eq!(one(1e-7), "a=1e-7");
    assert_eq!(one(1.5e-7), "a=1.5e-7");
    assert_eq!(one(f64::MIN_POSITIVE), "a=2.2250738585072014e-308");
    assert_eq!(one(5e-324), "a=5e-324");
    assert_eq!(one(f64::MAX), "a=1.7976931348623157e%2B308");
    assert_eq!(one(0.0), "a=0");
    assert_eq!(one(-0.0), "a=0");
    // An exact tie between two shortest candidates goes to the even digit.
    assert_eq!(one(2197166754827450.0 + 0.25), "a=2197166754827450.2");
    // An f32 uses the shortest digits that round-trip as an f32.
    assert_eq!(one(0.1f32), "a=0.1");
    assert_eq!(one(1e21f32), "a=1e%2B21");
}

#[test]
fn non_finite_floats_are_errors() {
    let err = encode(&map([("x", One { a: f64::NAN })])).unwrap_err();
    assert_eq!(err, FormError::Unsupported { key: "x[a]".into(), found: "NaN" });
    assert_eq!(err.to_string(), "cannot form-encode NaN at `x[a]`");
    let err = encode(&One { a: f32::NEG_INFINITY }).unwrap_err();
    assert_eq!(err.to_string(), "cannot form-encode an infinite float at `a`");
}

#[test]
fn the_top_level_must_be_a_struct_or_a_map() {
    for (err, found) in [
        (encode("text").unwrap_err(), "a string"),
        (encode(&12).unwrap_err(), "a number"),
        (encode(&1.5).unwrap_err(), "a number"),
        (encode(&true).unwrap_err(), "a bool"),
        (encode(&()).unwrap_err(), "a unit value"),
        (encode(&[1, 2]).unwrap_err(), "a tuple"),
        (encode(&vec![1, 2]).unwrap_err(), "a sequence"),
        (encode(&Some("x")).unwrap_err(), "a string"),
    ] {
        assert_eq!(err, FormError::NotAStructOrMap { found });
    }
    assert_eq!(
        encode(&vec![1]).unwrap_err().to_string(),
        "form encoding needs a struct or a map at the top level, found a sequence"
    );
}

#[test]
fn bytes_are_errors() {
    let err = encode(&One { a: serde_bytes_like(b"ab") }).unwrap_err();
    assert_eq!(err.to_string(), "cannot form-encode bytes at `a`");
}

/// A value that serializes as bytes (serde serializes `[u8]` as a sequence).
fn serde_bytes_like(bytes: &'static [u8]) -> impl Serialize {
    struct Bytes(&'static [u8]);
    impl Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }
    Bytes(bytes)
}

#[test]
fn enums() {
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Tagged {
        Automatic,
        Newtype(i32),
        Tuple(i32, &'static str),
        Struct { x: i32, y: Option<i32> },
    }
    assert_eq!(one(Tagged::Automatic), "a=automatic");
    assert_eq!(one(Tagged::Newtype(3)), "a[newtype]=3");
    assert_eq!(one(Tagged::Tuple(1, "b")), "a[tuple][0]=1&a[tuple][1]=b");
    assert_eq!(one(Tagged::Struct { x: 1, y: None }), "a[struct][x]=1");
    assert_eq!(one([Tagged::Newtype(1), Tagged::Automatic]), "a[0][newtype]=1&a[1]=automatic");
    // At the top level a variant with content is a map of one entry.
    assert_eq!(encode(&Tagged::Struct { x: 1, y: Some(2) }).unwrap(), "struct[x]=1&struct[y]=2");
    assert_eq!(encode(&Tagged::Newtype(5)).unwrap(), "newtype=5");
    assert_eq!(encode(&Tagged::Automatic).unwrap_err(), FormError::NotAStructOrMap { found: "a unit variant" });

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Untagged {
        Text(&'static str),
        Object(One<i32>),
    }
    assert_eq!(one(Untagged::Text("t")), "a=t");
    assert_eq!(one(Untagged::Object(One { a: 1 })), "a[a]=1");
}

#[test]
fn newtype_structs_are_their_content() {
    #[derive(Serialize)]
    struct Id(&'static str);
    #[derive(Serialize)]
    struct Wrapper(One<Id>);
    assert_eq!(encode(&Wrapper(One { a: Id("cus_1") })).unwrap(), "a=cus_1");
    assert_eq!(encode(&map([("k", Id("v"))])).unwrap(), "k=v");
}

#[test]
fn map_keys() {
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        First,
    }
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Name(&'static str);
    assert_eq!(one(BTreeMap::from([(-1, "x"), (2, "y")])), "a[-1]=x&a[2]=y");
    assert_eq!(one(BTreeMap::from([(u128::MAX, 0)])), "a[340282366920938463463374607431768211455]=0");
    assert_eq!(one(BTreeMap::from([(false, 0), (true, 1)])), "a[false]=0&a[true]=1");
    assert_eq!(one(BTreeMap::from([('c', 0), ('é', 1)])), "a[c]=0&a[%C3%A9]=1");
    assert_eq!(one(BTreeMap::from([(Key::First, 0)])), "a[First]=0");
    assert_eq!(one(BTreeMap::from([(Name("a b"), 0)])), "a[a%20b]=0");
    assert_eq!(encode(&BTreeMap::from([(7, "top")])).unwrap(), "7=top");
    assert_eq!(encode(&map([("", 1)])).unwrap(), "=1");
    assert_eq!(one(map([("", 1)])), "a[]=1");
}

#[test]
fn unsupported_map_keys_are_errors() {
    struct FloatKeys;
    impl Serialize for FloatKeys {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(&1.5, &1)?;
            map.end()
        }
    }
    let err = encode(&One { a: map([("x", FloatKeys)]) }).unwrap_err();
    assert_eq!(err, FormError::UnsupportedMapKey { key: "a[x]".into(), found: "a float" });
    assert_eq!(
        err.to_string(),
        "cannot form-encode a map key that is a float (in the map at `a[x]`): map keys must be strings, chars, \
         integers, bools or unit variants"
    );
    let err = encode(&FloatKeys).unwrap_err();
    assert!(err.to_string().contains("(in the map at the top level)"), "{err}");
    let err = encode(&BTreeMap::from([((1, 2), 0)])).unwrap_err();
    assert_eq!(err, FormError::UnsupportedMapKey { key: "".into(), found: "a tuple" });
}

#[test]
fn custom_errors_name_the_innermost_key() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("no way"))
        }
    }
    let err = encode(&One { a: map([("b c", vec![One { a: Fails }])]) }).unwrap_err();
    assert_eq!(err, FormError::Custom { key: Some("a[b%20c][0][a]".into()), message: "no way".into() });
    assert_eq!(err.to_string(), "no way (at `a[b%20c][0][a]`)");
    let err = encode(&Fails).unwrap_err();
    assert_eq!(err, FormError::Custom { key: None, message: "no way".into() });
    assert_eq!(err.to_string(), "no way");
}

#[test]
fn the_key_buffer_is_restored_between_fields() {
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum V {
        S { x: i32 },
        T(i32),
    }
    #[derive(Serialize)]
    struct Params {
        a: Vec<BTreeMap<&'static str, Vec<V>>>,
        b: V,
        c: (V, i32),
        d: i32,
    }
    let params = Params {
        a: vec![map([("k", vec![V::S { x: 1 }, V::T(2)])]), map([("l", vec![])])],
        b: V::T(3),
        c: (V::S { x: 4 }, 5),
        d: 6,
    };
    assert_eq!(encode(&params).unwrap(), "a[0][k][0][s][x]=1&a[0][k][1][t]=2&b[t]=3&c[0][s][x]=4&c[1]=5&d=6");
}
