/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` for a generated
/// string enum from its `as_str` and `from_wire` methods.
///
/// The generated enum keeps the interesting part (the table of wire values);
/// this macro keeps the plumbing in one place.
#[macro_export]
macro_rules! wire_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl $crate::__private::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string value of ", stringify!($name)))
                    }
                    fn visit_str<E>(self, v: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Clone, Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl Color {
        fn as_str(&self) -> &str {
            match self {
                Color::Red => "red",
                Color::Unknown(v) => v,
            }
        }
        fn from_wire(s: &str) -> Self {
            match s {
                "red" => Color::Red,
                other => Color::Unknown(other.to_owned()),
            }
        }
    }

    crate::wire_enum!(Color);

    #[test]
    fn known_and_unknown_values_round_trip() {
        let red: Color = serde_json::from_str(r#""red""#).unwrap();
        assert_eq!(red, Color::Red);
        let teal: Color = serde_json::from_str(r#""teal""#).unwrap();
        assert_eq!(teal, Color::Unknown("teal".into()));
        assert_eq!(serde_json::to_string(&teal).unwrap(), r#""teal""#);
        assert_eq!(red.to_string(), "red");
        assert_eq!("teal".parse::<Color>().unwrap(), teal);
    }

    #[test]
    fn non_strings_are_an_error() {
        let err = serde_json::from_str::<Color>("3").unwrap_err();
        assert!(err.to_string().contains("a string value of Color"), "{err}");
    }
}
