//! Decoding of the objects that a union picks by their `object` value.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `value`, a JSON object whose `object` value is `object`, into the type
/// that value names. A failure is an error naming the object and the path of the
/// field that did not decode (`` `identity.verification_session` object at
/// `status`: unknown variant ... ``): an object of a known kind that does not
/// decode is an error, never silently something else.
pub fn decode_tagged<T: DeserializeOwned, E: serde::de::Error>(value: Value, object: &str) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            E::custom(format_args!("`{object}` object: {}", error.inner()))
        } else {
            E::custom(format_args!("`{object}` object at `{path}`: {}", error.inner()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        count: u32,
    }

    #[test]
    fn errors_name_the_object_and_the_field() {
        let value = serde_json::json!({"object": "thing", "inner": {"count": "three"}});
        let error = decode_tagged::<Thing, serde_json::Error>(value, "thing").unwrap_err();
        assert_eq!(error.to_string(), "`thing` object at `inner.count`: invalid type: string \"three\", expected u32");
        let error = decode_tagged::<Thing, serde_json::Error>(serde_json::json!({}), "thing").unwrap_err();
        assert_eq!(error.to_string(), "`thing` object: missing field `inner`");
        let ok = decode_tagged::<Thing, serde_json::Error>(serde_json::json!({"inner": {"count": 3}}), "thing");
        assert_eq!(ok.unwrap().inner.count, 3);
    }
}
