//! A serde `Deserializer` over the positioned tree, so every error knows its key path and line.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Expected, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};

use super::node::{Entry, Node, Pos, Seg, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DeErrorKind {
    UnknownField {
        field: String,
        expected: &'static [&'static str],
    },
    UnknownVariant {
        variant: String,
        expected: &'static [&'static str],
    },
    InvalidType {
        message: String,
    },
    MissingField {
        field: &'static str,
    },
    Custom(String),
}

/// An error from deserialising the tree; the position and path are filled in by the node that
/// was being read when it happened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeError {
    pub kind: DeErrorKind,
    pub path: Option<Vec<Seg>>,
    pub pos: Pos,
}

impl DeError {
    fn new(kind: DeErrorKind) -> Self {
        DeError {
            kind,
            path: None,
            pos: Pos::UNKNOWN,
        }
    }

    fn at(mut self, path: &[Seg], pos: Pos) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_vec());
            self.pos = pos;
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DeErrorKind::UnknownField { field, .. } => write!(f, "unknown key `{field}`"),
            DeErrorKind::UnknownVariant { variant, expected } => {
                write!(f, "`{variant}` is not one of {}", expected.join(", "))
            }
            DeErrorKind::InvalidType { message } | DeErrorKind::Custom(message) => {
                f.write_str(message)
            }
            DeErrorKind::MissingField { field } => write!(f, "missing required key `{field}`"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(DeErrorKind::Custom(msg.to_string()))
    }
    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        DeError::new(DeErrorKind::InvalidType {
            message: format!("must be {expected}, got {unexpected}"),
        })
    }
    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        DeError::new(DeErrorKind::InvalidType {
            message: format!("must be {expected}, got {unexpected}"),
        })
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(DeErrorKind::UnknownField {
            field: field.to_owned(),
            expected,
        })
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::new(DeErrorKind::UnknownVariant {
            variant: variant.to_owned(),
            expected,
        })
    }
    fn missing_field(field: &'static str) -> Self {
        DeError::new(DeErrorKind::MissingField { field })
    }
}

pub(crate) struct NodeDeserializer<'a> {
    node: &'a Node,
    path: Vec<Seg>,
}

impl<'a> NodeDeserializer<'a> {
    pub(crate) fn new(node: &'a Node, path: Vec<Seg>) -> Self {
        NodeDeserializer { node, path }
    }

    fn wrong_type(&self, wanted: &str) -> DeError {
        DeError::new(DeErrorKind::InvalidType {
            message: format!("must be {wanted}, got {}", self.node.describe()),
        })
        .at(&self.path, self.node.pos)
    }

    fn finish<T>(&self, result: Result<T, DeError>) -> Result<T, DeError> {
        result.map_err(|e| e.at(&self.path, self.node.pos))
    }

    /// Text from `${VAR}` interpolation, for fields that want a number or a boolean.
    fn env_text(&self) -> Option<&'a str> {
        match &self.node.value {
            Value::Str {
                text,
                from_env: true,
            } => Some(text.trim()),
            _ => None,
        }
    }

    fn integer(&self, min: i128, max: i128) -> Result<i128, DeError> {
        let wanted = if min == 0 {
            format!("a whole number from 0 to {max}")
        } else {
            format!("a whole number from {min} to {max}")
        };
        let value = match &self.node.value {
            Value::Int(i) => Some(*i),
            _ => self.env_text().and_then(|t| t.parse::<i128>().ok()),
        };
        match value {
            Some(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(self.wrong_type(&wanted)),
        }
    }

    fn float(&self) -> Result<f64, DeError> {
        match &self.node.value {
            Value::Int(i) => Ok(*i as f64),
            Value::Float(f) => Ok(*f),
            _ => match self.env_text().and_then(|t| t.parse::<f64>().ok()) {
                Some(f) => Ok(f),
                None => Err(self.wrong_type("a number")),
            },
        }
    }
}

macro_rules! int_method {
    ($method:ident, $ty:ty, $visit:ident) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let v = self.integer(i128::from(<$ty>::MIN), i128::from(<$ty>::MAX))?;
            // In range by construction.
            let v = <$ty>::try_from(v).map_err(|_| self.wrong_type("a whole number"))?;
            let result = visitor.$visit(v);
            self.finish(result)
        }
    };
}

impl<'de> Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => match i64::try_from(*i) {
                Ok(v) => visitor.visit_i64(v),
                Err(_) => visitor.visit_i128(*i),
            },
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str { text, .. } => visitor.visit_str(text),
            Value::Seq(items) => visitor.visit_seq(NodeSeq::new(items, &self.path)),
            Value::Map(entries) => visitor.visit_map(NodeMap::new(entries, &self.path)),
        };
        self.finish(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let value = match &self.node.value {
            Value::Bool(b) => Some(*b),
            _ => match self.env_text() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
        };
        match value {
            Some(b) => {
                let result = visitor.visit_bool(b);
                self.finish(result)
            }
            None => Err(self.wrong_type("true or false")),
        }
    }

    int_method!(deserialize_i8, i8, visit_i8);
    int_method!(deserialize_i16, i16, visit_i16);
    int_method!(deserialize_i32, i32, visit_i32);
    int_method!(deserialize_i64, i64, visit_i64);
    int_method!(deserialize_u8, u8, visit_u8);
    int_method!(deserialize_u16, u16, visit_u16);
    int_method!(deserialize_u32, u32, visit_u32);
    int_method!(deserialize_u64, u64, visit_u64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let f = self.float()?;
        let result = visitor.visit_f64(f);
        self.finish(result)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str { text, .. } => {
                let result = visitor.visit_str(text);
                self.finish(result)
            }
            _ => Err(self.wrong_type("text (quote it if it looks like a number or boolean)")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(NodeDeserializer::new(self.node, self.path.clone())),
        };
        self.finish(result)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null => {
                let result = visitor.visit_unit();
                self.finish(result)
            }
            _ => Err(self.wrong_type("empty")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let result =
            visitor.visit_newtype_struct(NodeDeserializer::new(self.node, self.path.clone()));
        self.finish(result)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Seq(items) => visitor.visit_seq(NodeSeq::new(items, &self.path)),
            // `key:` with nothing after it reads as an empty list.
            Value::Null => visitor.visit_seq(NodeSeq::new(&[], &self.path)),
            _ => return Err(self.wrong_type("a list")),
        };
        self.finish(result)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Map(entries) => visitor.visit_map(NodeMap::new(entries, &self.path)),
            // `section:` with nothing after it keeps the section's defaults.
            Value::Null => visitor.visit_map(NodeMap::new(&[], &self.path)),
            _ => return Err(self.wrong_type("a mapping of keys to values")),
        };
        self.finish(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str { text, .. } => {
                let result = visitor.visit_enum(UnitVariant(text.trim()));
                self.finish(result)
            }
            _ => Err(self.wrong_type(&format!("one of {}", variants.join(", ")))),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

struct NodeSeq<'a> {
    items: std::slice::Iter<'a, Node>,
    index: usize,
    path: &'a [Seg],
}

impl<'a> NodeSeq<'a> {
    fn new(items: &'a [Node], path: &'a [Seg]) -> Self {
        NodeSeq {
            items: items.iter(),
            index: 0,
            path,
        }
    }
}

impl<'de> SeqAccess<'de> for NodeSeq<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let mut path = self.path.to_vec();
        path.push(Seg::Index(self.index));
        self.index += 1;
        let pos = item.pos;
        seed.deserialize(NodeDeserializer::new(item, path.clone()))
            .map(Some)
            .map_err(|e| e.at(&path, pos))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct NodeMap<'a> {
    entries: std::slice::Iter<'a, Entry>,
    current: Option<&'a Entry>,
    path: &'a [Seg],
}

impl<'a> NodeMap<'a> {
    fn new(entries: &'a [Entry], path: &'a [Seg]) -> Self {
        NodeMap {
            entries: entries.iter(),
            current: None,
            path,
        }
    }

    fn child_path(&self, key: &str) -> Vec<Seg> {
        let mut path = self.path.to_vec();
        path.push(Seg::Key(key.to_owned()));
        path
    }
}

impl<'de> MapAccess<'de> for NodeMap<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some(entry);
        let path = self.child_path(&entry.key);
        let key: de::value::StrDeserializer<'_, DeError> = entry.key.as_str().into_deserializer();
        seed.deserialize(key)
            .map(Some)
            .map_err(|e| e.at(&path, entry.key_pos))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some(entry) = self.current.take() else {
            return Err(de::Error::custom("a value was requested before its key"));
        };
        let path = self.child_path(&entry.key);
        let pos = if entry.value.pos.is_known() {
            entry.value.pos
        } else {
            entry.key_pos
        };
        seed.deserialize(NodeDeserializer::new(&entry.value, path.clone()))
            .map_err(|e| e.at(&path, pos))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Enums in the model are all plain words (`deny`, `high`, `teach_back`).
struct UnitVariant<'a>(&'a str);

impl<'de> EnumAccess<'de> for UnitVariant<'_> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let name: de::value::StrDeserializer<'_, DeError> = self.0.into_deserializer();
        Ok((seed.deserialize(name)?, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, DeError> {
        Err(de::Error::custom(format_args!(
            "`{}` needs a value",
            self.0
        )))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom(format_args!("`{}` needs a list", self.0)))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::custom(format_args!(
            "`{}` needs a mapping",
            self.0
        )))
    }
}
