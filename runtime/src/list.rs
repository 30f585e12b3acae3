use serde::{Deserialize, Serialize};

/// A page of a Stripe list object (`"object": "list"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "object", rename = "list")]
pub struct List<T> {
    /// The objects of this page.
    pub data: Vec<T>,
    /// True if this list has another page of items after this one.
    pub has_more: bool,
    /// The URL where this list can be accessed.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes_with_the_object_tag() {
        let json = r#"{"object":"list","data":[1,2],"has_more":true,"url":"/v1/things"}"#;
        let list: List<i64> = serde_json::from_str(json).unwrap();
        assert_eq!(list.data, vec![1, 2]);
        assert!(list.has_more);
        assert_eq!(list.url, "/v1/things");
        assert_eq!(serde_json::to_string(&list).unwrap(), json);
    }
}
