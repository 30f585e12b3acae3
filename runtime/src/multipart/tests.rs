use std::collections::BTreeMap;

use serde::Serialize;

use super::*;
use crate::Clearable;

/// `value` encoded with the boundary `B`, as text.
fn text<T: Serialize + ?Sized>(value: &T) -> String {
    String::from_utf8(encode(value, "B").unwrap()).unwrap()
}

/// The part of a text pair.
fn part(name: &str, value: &str) -> String {
    format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

/// The part of a file.
fn file_part(name: &str, file_name: &str, content_type: &str, data: &str) -> String {
    format!(
        "--B\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n{data}\r\n"
    )
}

const END: &str = "--B--\r\n";

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct One<T> {
    a: T,
}

#[test]
fn no_pairs_is_the_closing_delimiter_alone() {
    assert_eq!(text(&Empty {}), END);
    assert_eq!(text(&BTreeMap::<String, String>::new()), END);
    assert_eq!(text(&Some(Empty {})), END);
    assert_eq!(text(&None::<Empty>), END);
}

#[test]
fn pairs_follow_the_form_rules_unencoded() {
    #[derive(Serialize)]
    struct Inner {
        create: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_at: Option<i64>,
        metadata: BTreeMap<&'static str, &'static str>,
    }
    #[derive(Serialize)]
    struct Params {
        expand: Vec<&'static str>,
        none: Option<u8>,
        link: Inner,
        unit: (),
        clear: Clearable<u8>,
        float: f64,
        small: f32,
        nested: Vec<Vec<u8>>,
    }
    let params = Params {
        expand: vec!["links", "a b"],
        none: None,
        link: Inner {
            create: true,
            expires_at: Some(-1),
            metadata: [("a b", "x&y=z+%"), ("[k]", "é 東京"), ("q\"", "\"v\"\r\n")].into(),
        },
        unit: (),
        clear: Clearable::Clear,
        float: 1e21,
        small: 0.1,
        nested: vec![vec![], vec![7]],
    };
    let expected = [
        part("expand[0]", "links"),
        part("expand[1]", "a b"),
        part("link[create]", "true"),
        part("link[expires_at]", "-1"),
        part("link[metadata][[k]]", "é 東京"),
        part("link[metadata][a b]", "x&y=z+%"),
        part("link[metadata][q%22]", "\"v\"\r\n"),
        part("unit", ""),
        part("clear", ""),
        part("float", "1e+21"),
        part("small", "0.1"),
        part("nested[1][0]", "7"),
        END.to_owned(),
    ]
    .concat();
    assert_eq!(text(&params), expected);
}

#[test]
fn enums_nest_like_the_form_encoder() {
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Choice {
        Plain,
        Wrapped(u8),
        Fields { x: u8 },
    }
    assert_eq!(text(&One { a: Choice::Plain }), [part("a", "plain"), END.to_owned()].concat());
    assert_eq!(text(&One { a: Choice::Wrapped(1) }), [part("a[wrapped]", "1"), END.to_owned()].concat());
    assert_eq!(text(&One { a: Choice::Fields { x: 2 } }), [part("a[fields][x]", "2"), END.to_owned()].concat());
}

#[test]
fn files_are_parts_with_a_file_name_and_content_type() {
    #[derive(Serialize)]
    struct Params {
        file: FileUpload,
        purpose: &'static str,
    }
    let params = Params {
        file: FileUpload::new("a.txt", "hello\r\n--B--\r\n").with_content_type("text/plain"),
        purpose: "dispute_evidence",
    };
    let expected = [
        file_part("file", "a.txt", "text/plain", "hello\r\n--B--\r\n"),
        part("purpose", "dispute_evidence"),
        END.to_owned(),
    ]
    .concat();
    assert_eq!(text(&params), expected);
}

#[test]
fn file_defaults_and_quoting_follow_stripe_node() {
    let encoded = |file: FileUpload| text(&One { a: file });
    let one =
        |name: &str, content_type: &str, data: &str| [file_part("a", name, content_type, data), END.into()].concat();
    assert_eq!(encoded(FileUpload::new("x", "")), one("x", "application/octet-stream", ""));
    assert_eq!(encoded(FileUpload::new("", "d")), one("blob", "application/octet-stream", "d"));
    assert_eq!(encoded(FileUpload::new("x", "d").with_content_type("")), one("x", "application/octet-stream", "d"));
    assert_eq!(
        encoded(FileUpload::new("a \"b\" \\ é.pdf", "d").with_content_type("application/pdf")),
        one("a %22b%22 \\ é.pdf", "application/pdf", "d"),
    );
    assert_eq!(
        encoded(FileUpload::new("a\r\nb\nc\rd\n\re", "d").with_content_type("text/plain\r\nX-Evil: 1\r")),
        one("a b c d  e", "text/plain X-Evil: 1 ", "d"),
    );
    // A quote is not a line break, nor does `%22` make one.
    assert_eq!(encoded(FileUpload::new("\"\r\"\n\"", "d")), one("%22 %22 %22", "application/octet-stream", "d"));
}

#[test]
fn files_go_anywhere_under_their_key() {
    let files = vec![FileUpload::new("1.txt", "one"), FileUpload::new("2.txt", "two")];
    let map: BTreeMap<&str, FileUpload> = [("k\"ey", FileUpload::new("m.txt", "map"))].into();
    let expected = [
        file_part("a[0]", "1.txt", "application/octet-stream", "one"),
        file_part("a[1]", "2.txt", "application/octet-stream", "two"),
        END.to_owned(),
    ]
    .concat();
    assert_eq!(text(&One { a: files }), expected);
    let expected = [file_part("k%22ey", "m.txt", "application/octet-stream", "map"), END.to_owned()].concat();
    assert_eq!(text(&map), expected);
    let binary: Vec<u8> = (0..=255).collect();
    let body = encode(&One { a: FileUpload::new("b", binary.clone()) }, "B").unwrap();
    let head = b"--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"b\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    assert_eq!(body, [&head[..], &binary, b"\r\n--B--\r\n"].concat());
}

#[test]
fn what_has_no_encoding_is_refused() {
    let file = FileUpload::new("a.txt", "x");
    assert_eq!(encode(&file, "B"), Err(FormError::NotAStructOrMap { found: "a file upload" }));
    assert_eq!(encode("text", "B"), Err(FormError::NotAStructOrMap { found: "a string" }));
    assert_eq!(
        encode(&One { a: serde_bytes_like(b"raw") }, "B"),
        Err(FormError::Unsupported { key: "a".into(), found: "bytes" })
    );
    assert_eq!(
        encode(&One { a: [("x y", f64::NAN)].into_iter().collect::<BTreeMap<_, _>>() }, "B"),
        Err(FormError::Unsupported { key: "a[x y]".into(), found: "NaN" })
    );
    let map: BTreeMap<FileKey, u8> = [(FileKey, 1)].into();
    assert!(matches!(encode(&One { a: map }, "B"), Err(FormError::UnsupportedMapKey { .. })));
}

/// Bytes outside a `FileUpload`.
fn serde_bytes_like(bytes: &'static [u8]) -> impl Serialize {
    struct Bytes(&'static [u8]);
    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }
    Bytes(bytes)
}

/// A file as a map key.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct FileKey;

impl Serialize for FileKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FileUpload::new("k", "v").serialize(serializer)
    }
}

#[test]
fn a_foreign_value_under_the_file_token_is_an_error_not_a_panic() {
    struct Impostor;
    impl Serialize for Impostor {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_newtype_struct(FILE_UPLOAD_TOKEN, "not a file")
        }
    }
    let err = encode(&One { a: Impostor }, "B").unwrap_err();
    assert!(matches!(&err, FormError::Custom { key: Some(key), .. } if key == "a"), "{err:?}");
    assert!(err.to_string().contains("is not a FileUpload"), "{err}");
    let err = crate::form::encode(&One { a: Impostor }).unwrap_err();
    assert!(matches!(&err, FormError::Custom { key: Some(key), .. } if key == "a"), "{err:?}");
}

#[test]
fn the_form_encoder_refuses_files_clearly() {
    #[derive(Serialize)]
    struct Params {
        file_link_data: BTreeMap<&'static str, FileUpload>,
    }
    let params = Params { file_link_data: [("my file", FileUpload::new("a.txt", "x"))].into() };
    let err = crate::form::encode(&params).unwrap_err();
    assert_eq!(err, FormError::FileNotMultipart { key: "file_link_data[my%20file]".into() });
    assert_eq!(
        err.to_string(),
        "cannot form-encode the file at `file_link_data[my%20file]`: files can only be sent in a \
         multipart/form-data body (ParamsIn::Multipart)"
    );
    assert_eq!(
        crate::form::encode(&FileUpload::new("a", "b")),
        Err(FormError::NotAStructOrMap { found: "a file upload" })
    );
}

#[test]
fn other_serializers_see_the_fields() {
    let json = serde_json::to_value(FileUpload::new("a.txt", "hi").with_content_type("text/plain")).unwrap();
    assert_eq!(json, serde_json::json!({"name": "a.txt", "content_type": "text/plain", "data": [104, 105]}));
}

#[test]
fn debug_shows_the_length_not_the_data() {
    let file = FileUpload::new("a.txt", vec![b'x'; 1 << 20]).with_content_type("text/plain");
    assert_eq!(format!("{file:?}"), r#"FileUpload { name: "a.txt", content_type: Some("text/plain"), len: 1048576 }"#);
}

#[test]
fn boundaries_are_checked() {
    for good in ["B", "0123456789-abcdef", "a'()+_,-./:=? z", &"x".repeat(70)] {
        assert!(valid_boundary(good), "{good:?}");
    }
    for bad in ["", "ends with space ", "quote\"", "semi;colon", "new\r\nline", "é", &"x".repeat(71)] {
        assert!(!valid_boundary(bad), "{bad:?}");
    }
    let random = random_boundary();
    assert!(valid_boundary(&random), "{random:?}");
    assert_eq!(uuid::Uuid::parse_str(&random).unwrap().get_version_num(), 4);
    assert_eq!(random, random.to_ascii_lowercase());
    assert_ne!(random, random_boundary());
}

#[test]
#[should_panic(expected = "is not a multipart boundary")]
fn an_invalid_boundary_panics() {
    let _ = encode(&Empty {}, "bad;boundary");
}
