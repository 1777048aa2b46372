//! The wire encodings of Terraform values: msgpack (every RPC) and JSON (state being upgraded).
//!
//! Decoding is guided by the schema type, because msgpack arrays and maps do not say whether they
//! are lists, sets, tuples, maps or objects. An unknown value is a msgpack extension: type 0
//! (`d4 00 00`) when wholly unknown, type 0x0c with a map of refinements as payload (not null, a
//! string prefix, number or length bounds) when Terraform knows more. Any extension decodes as
//! unknown (the refinements are dropped); unknowns are written back as `d4 00 00`.

use super::value::{Number, Object, Type, Value};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CodecError {
    #[error("unexpected end of msgpack data")]
    Eof,
    #[error("unexpected msgpack byte 0x{0:02x} for a {1}")]
    Unexpected(u8, &'static str),
    #[error("invalid UTF-8 in a string")]
    Utf8,
    #[error("invalid number {0:?}")]
    Number(String),
    #[error("invalid value: {0}")]
    Invalid(String),
    #[error("{0} trailing bytes after the value")]
    Trailing(usize),
    #[error("value nested more than {0} levels deep")]
    TooDeep(usize),
    #[error("tuple of {got} elements for a tuple type of {expected}")]
    TupleLength { got: usize, expected: usize },
}

/// How deep an attribute this provider does not know may nest before decoding gives up: real
/// Terraform values are a few levels deep, and unbounded recursion would overflow the stack.
pub const MAX_SKIP_DEPTH: usize = 64;

// ---------------------------------------------------------------------------------------------
// msgpack decoding

pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = r.value(ty)?;
    if r.pos != bytes.len() {
        return Err(CodecError::Trailing(bytes.len() - r.pos));
    }
    Ok(v)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self.buf.get(self.pos).ok_or(CodecError::Eof)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).ok_or(CodecError::Eof)?;
        let s = self.buf.get(self.pos..end).ok_or(CodecError::Eof)?;
        self.pos = end;
        Ok(s)
    }

    fn be(&mut self, n: usize) -> Result<u64, CodecError> {
        Ok(self.take(n)?.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn peek(&self) -> Result<u8, CodecError> {
        self.buf.get(self.pos).copied().ok_or(CodecError::Eof)
    }

    /// Skips an extension if one starts here and says whether it did (an unknown value).
    fn unknown(&mut self) -> Result<bool, CodecError> {
        let len = match self.peek()? {
            0xd4 => 1,
            0xd5 => 2,
            0xd6 => 4,
            0xd7 => 8,
            0xd8 => 16,
            0xc7 => {
                self.pos += 1;
                let n = self.be(1)? as usize;
                self.pos -= 2;
                n + 1
            }
            0xc8 => {
                self.pos += 1;
                let n = self.be(2)? as usize;
                self.pos -= 3;
                n + 2
            }
            0xc9 => {
                self.pos += 1;
                let n = self.be(4)? as usize;
                self.pos -= 5;
                n + 4
            }
            _ => return Ok(false),
        };
        self.pos += 1;
        // Variable-length headers: `len` includes the length bytes; then the type byte, then data.
        self.take(len + 1)?;
        Ok(true)
    }

    fn value(&mut self, ty: &Type) -> Result<Value, CodecError> {
        if self.peek()? == 0xc0 {
            self.pos += 1;
            return Ok(Value::Null);
        }
        if self.unknown()? {
            return Ok(Value::Unknown);
        }
        match ty {
            Type::Bool => match self.byte()? {
                0xc2 => Ok(Value::Bool(false)),
                0xc3 => Ok(Value::Bool(true)),
                b => Err(CodecError::Unexpected(b, "bool")),
            },
            Type::Number => self.number().map(Value::Number),
            Type::String => self.str().map(Value::String),
            Type::List(et) => {
                let n = self.array_len()?;
                (0..n)
                    .map(|_| self.value(et))
                    .collect::<Result<_, _>>()
                    .map(Value::List)
            }
            Type::Set(et) => {
                let n = self.array_len()?;
                (0..n).map(|_| self.value(et)).collect::<Result<_, _>>().map(Value::Set)
            }
            Type::Tuple(ts) => {
                let n = self.array_len()?;
                if n != ts.len() {
                    return Err(CodecError::Invalid(format!(
                        "tuple of {n} elements, expected {}",
                        ts.len()
                    )));
                }
                ts.iter()
                    .map(|t| self.value(t))
                    .collect::<Result<_, _>>()
                    .map(Value::Tuple)
            }
            Type::Map(et) => {
                let n = self.map_len()?;
                let mut m = BTreeMap::new();
                for _ in 0..n {
                    let k = self.str()?;
                    m.insert(k, self.value(et)?);
                }
                Ok(Value::Map(m))
            }
            Type::Object(attrs) => {
                let n = self.map_len()?;
                let mut m: Object = BTreeMap::new();
                for _ in 0..n {
                    let k = self.str()?;
                    match attrs.iter().find(|(name, _)| *name == k) {
                        Some((_, t)) => {
                            m.insert(k, self.value(t)?);
                        }
                        // An attribute this schema does not know: skip it rather than fail.
                        None => self.skip(0)?,
                    }
                }
                for (name, _) in attrs {
                    m.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(m))
            }
            Type::Dynamic => {
                // [type JSON as bytes, value]
                let n = self.array_len()?;
                if n != 2 {
                    return Err(CodecError::Invalid("dynamic value must be a pair".into()));
                }
                let tj = self.bytes_or_str()?;
                let tv: serde_json::Value =
                    serde_json::from_slice(&tj).map_err(|e| CodecError::Invalid(format!("dynamic type: {e}")))?;
                let t = Type::from_json(&tv).map_err(CodecError::Invalid)?;
                let v = self.value(&t)?;
                Ok(Value::Dynamic(Box::new((t, v))))
            }
        }
    }

    /// Skips one value; `depth` is how many arrays or maps enclose it.
    fn skip(&mut self, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_SKIP_DEPTH {
            return Err(CodecError::TooDeep(MAX_SKIP_DEPTH));
        }
        let b = self.byte()?;
        match b {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => Ok(()),
            0xcc | 0xd0 => self.take(1).map(|_| ()),
            0xcd | 0xd1 => self.take(2).map(|_| ()),
            0xce | 0xd2 | 0xca => self.take(4).map(|_| ()),
            0xcf | 0xd3 | 0xcb => self.take(8).map(|_| ()),
            0xa0..=0xbf => self.take((b & 0x1f) as usize).map(|_| ()),
            0xd9 | 0xc4 => {
                let n = self.be(1)? as usize;
                self.take(n).map(|_| ())
            }
            0xda | 0xc5 => {
                let n = self.be(2)? as usize;
                self.take(n).map(|_| ())
            }
            0xdb | 0xc6 => {
                let n = self.be(4)? as usize;
                self.take(n).map(|_| ())
            }
            0x90..=0x9f | 0xdc | 0xdd => {
                self.pos -= 1;
                let n = self.array_len()?;
                (0..n).try_for_each(|_| self.skip(depth + 1))
            }
            0x80..=0x8f | 0xde | 0xdf => {
                self.pos -= 1;
                let n = self.map_len()?;
                (0..n).try_for_each(|_| {
                    self.skip(depth + 1)?;
                    self.skip(depth + 1)
                })
            }
            0xd4..=0xd8 | 0xc7..=0xc9 => {
                self.pos -= 1;
                self.unknown().map(|_| ())
            }
            _ => Err(CodecError::Unexpected(b, "value")),
        }
    }

    fn number(&mut self) -> Result<Number, CodecError> {
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => Number::Int(i64::from(b)),
            0xe0..=0xff => Number::Int(i64::from(b as i8)),
            0xcc => Number::Int(self.be(1)? as i64),
            0xcd => Number::Int(self.be(2)? as i64),
            0xce => Number::Int(self.be(4)? as i64),
            0xcf => {
                let u = self.be(8)?;
                i64::try_from(u).map(Number::Int).unwrap_or(Number::Big(u.to_string()))
            }
            0xd0 => Number::Int(i64::from(self.be(1)? as u8 as i8)),
            0xd1 => Number::Int(i64::from(self.be(2)? as u16 as i16)),
            0xd2 => Number::Int(i64::from(self.be(4)? as u32 as i32)),
            0xd3 => Number::Int(self.be(8)? as i64),
            0xca => Number::from_f64(f64::from(f32::from_bits(self.be(4)? as u32))),
            0xcb => Number::from_f64(f64::from_bits(self.be(8)?)),
            0xa0..=0xbf | 0xd9..=0xdb => {
                self.pos -= 1;
                let s = self.str()?;
                match s.parse::<i64>() {
                    Ok(i) => Number::Int(i),
                    Err(_) if s.parse::<f64>().is_ok() => Number::Big(s),
                    Err(_) => return Err(CodecError::Number(s)),
                }
            }
            _ => return Err(CodecError::Unexpected(b, "number")),
        })
    }

    fn str(&mut self) -> Result<String, CodecError> {
        let b = self.byte()?;
        let n = match b {
            0xa0..=0xbf => (b & 0x1f) as usize,
            0xd9 => self.be(1)? as usize,
            0xda => self.be(2)? as usize,
            0xdb => self.be(4)? as usize,
            _ => return Err(CodecError::Unexpected(b, "string")),
        };
        let raw = self.take(n)?;
        String::from_utf8(raw.to_vec()).map_err(|_| CodecError::Utf8)
    }

    fn bytes_or_str(&mut self) -> Result<Vec<u8>, CodecError> {
        let b = self.peek()?;
        let n = match b {
            0xc4 => {
                self.pos += 1;
                self.be(1)? as usize
            }
            0xc5 => {
                self.pos += 1;
                self.be(2)? as usize
            }
            0xc6 => {
                self.pos += 1;
                self.be(4)? as usize
            }
            _ => return self.str().map(String::into_bytes),
        };
        Ok(self.take(n)?.to_vec())
    }

    fn array_len(&mut self) -> Result<usize, CodecError> {
        let b = self.byte()?;
        Ok(match b {
            0x90..=0x9f => (b & 0x0f) as usize,
            0xdc => self.be(2)? as usize,
            0xdd => self.be(4)? as usize,
            _ => return Err(CodecError::Unexpected(b, "array")),
        })
    }

    fn map_len(&mut self) -> Result<usize, CodecError> {
        let b = self.byte()?;
        Ok(match b {
            0x80..=0x8f => (b & 0x0f) as usize,
            0xde => self.be(2)? as usize,
            0xdf => self.be(4)? as usize,
            _ => return Err(CodecError::Unexpected(b, "map")),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// msgpack encoding

/// Encodes a value for the given type. Object attributes missing from the value are sent as null,
/// so a partial object from a resource module is still a complete, valid value on the wire. A
/// value that cannot be written as well-formed msgpack of `ty` is an error.
pub fn try_encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, v, ty)?;
    Ok(out)
}

/// `try_encode_msgpack` for callers that cannot report an error: a value that cannot be encoded
/// (a bug in a resource module) is logged and sent as null, which Terraform reports as an
/// inconsistent result instead of failing to parse the whole message.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Vec<u8> {
    try_encode_msgpack(v, ty).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot encode a value for Terraform; sending null");
        vec![0xc0]
    })
}

fn write_value(out: &mut Vec<u8>, v: &Value, ty: &Type) -> Result<(), CodecError> {
    match (v, ty) {
        (Value::Null, _) => out.push(0xc0),
        (Value::Unknown, _) => out.extend_from_slice(&[0xd4, 0, 0]),
        (v, Type::Dynamic) => {
            let (t, inner) = match v {
                Value::Dynamic(d) => (d.0.clone(), d.1.clone()),
                other => (infer_type(other), other.clone()),
            };
            out.push(0x92);
            write_str(out, &t.to_json().to_string());
            write_value(out, &inner, &t)?;
        }
        (Value::Dynamic(d), _) => write_value(out, &d.1, ty)?,
        (Value::Bool(b), _) => out.push(if *b { 0xc3 } else { 0xc2 }),
        (Value::Number(n), _) => write_number(out, n),
        (Value::String(s), _) => write_str(out, s),
        (Value::List(items) | Value::Set(items), Type::List(et) | Type::Set(et)) => {
            write_array_len(out, items.len());
            for i in items {
                write_value(out, i, et)?;
            }
        }
        (Value::Tuple(items) | Value::List(items), Type::Tuple(ts)) => {
            // The array header promises one element per type: a mismatch would leave the
            // message malformed (a length that disagrees with what follows).
            if items.len() != ts.len() {
                return Err(CodecError::TupleLength {
                    got: items.len(),
                    expected: ts.len(),
                });
            }
            write_array_len(out, items.len());
            for (i, t) in items.iter().zip(ts) {
                write_value(out, i, t)?;
            }
        }
        (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
            write_map_len(out, m.len());
            for (k, v) in m {
                write_str(out, k);
                write_value(out, v, et)?;
            }
        }
        (Value::Object(m) | Value::Map(m), Type::Object(attrs)) => {
            write_map_len(out, attrs.len());
            for (name, t) in attrs {
                write_str(out, name);
                write_value(out, m.get(name).unwrap_or(&Value::Null), t)?;
            }
        }
        // A value that does not fit its type is a bug in a resource module; send null rather than
        // a malformed message Terraform would reject as a whole.
        _ => out.push(0xc0),
    }
    Ok(())
}

fn infer_type(v: &Value) -> Type {
    match v {
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(i) => Type::List(Box::new(i.first().map(infer_type).unwrap_or(Type::Dynamic))),
        Value::Set(i) => Type::Set(Box::new(i.first().map(infer_type).unwrap_or(Type::Dynamic))),
        Value::Tuple(i) => Type::Tuple(i.iter().map(infer_type).collect()),
        Value::Map(m) => Type::Map(Box::new(m.values().next().map(infer_type).unwrap_or(Type::Dynamic))),
        Value::Object(m) => Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect()),
        Value::Dynamic(d) => d.0.clone(),
        Value::Null | Value::Unknown => Type::Dynamic,
    }
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    match n {
        Number::Int(i) => write_int(out, *i),
        Number::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Number::Big(s) => write_str(out, s),
    }
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if (0..=0x7f).contains(&i) {
        out.push(i as u8);
    } else if (-32..0).contains(&i) {
        out.push(i as i8 as u8);
    } else if let Ok(v) = i8::try_from(i) {
        out.extend_from_slice(&[0xd0, v as u8]);
    } else if let Ok(v) = i16::try_from(i) {
        out.push(0xd1);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i32::try_from(i) {
        out.push(0xd2);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    let n = s.len();
    if n < 32 {
        out.push(0xa0 | n as u8);
    } else if n < 256 {
        out.extend_from_slice(&[0xd9, n as u8]);
    } else if n < 65536 {
        out.push(0xda);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
}

fn write_array_len(out: &mut Vec<u8>, n: usize) {
    if n < 16 {
        out.push(0x90 | n as u8);
    } else if n < 65536 {
        out.push(0xdc);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdd);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn write_map_len(out: &mut Vec<u8>, n: usize) {
    if n < 16 {
        out.push(0x80 | n as u8);
    } else if n < 65536 {
        out.push(0xde);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdf);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// JSON (Terraform's state JSON, used by UpgradeResourceState)

pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let j: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| CodecError::Invalid(e.to_string()))?;
    from_json(&j, ty)
}

pub fn from_json(j: &serde_json::Value, ty: &Type) -> Result<Value, CodecError> {
    use serde_json::Value as J;
    if j.is_null() {
        return Ok(Value::Null);
    }
    Ok(match (ty, j) {
        (Type::Bool, J::Bool(b)) => Value::Bool(*b),
        (Type::Number, J::Number(n)) => Value::Number(json_number(n)?),
        (Type::Number, J::String(s)) => Value::Number(Number::parse(s).ok_or_else(|| CodecError::Number(s.clone()))?),
        (Type::String, J::String(s)) => Value::String(s.clone()),
        // As Terraform's own JSON decoding does: a number or bool where a string is expected is
        // its text. State written while ids were numbers upgrades as is.
        (Type::String, J::Number(n)) => Value::String(n.to_string()),
        (Type::String, J::Bool(b)) => Value::String(b.to_string()),
        (Type::List(et), J::Array(a)) => Value::List(a.iter().map(|x| from_json(x, et)).collect::<Result<_, _>>()?),
        (Type::Set(et), J::Array(a)) => Value::Set(a.iter().map(|x| from_json(x, et)).collect::<Result<_, _>>()?),
        (Type::Tuple(ts), J::Array(a)) if ts.len() == a.len() => Value::Tuple(
            a.iter()
                .zip(ts)
                .map(|(x, t)| from_json(x, t))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Map(et), J::Object(o)) => Value::Map(
            o.iter()
                .map(|(k, x)| Ok((k.clone(), from_json(x, et)?)))
                .collect::<Result<_, CodecError>>()?,
        ),
        (Type::Object(attrs), J::Object(o)) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| {
                    Ok((
                        k.clone(),
                        o.get(k).map(|x| from_json(x, t)).transpose()?.unwrap_or(Value::Null),
                    ))
                })
                .collect::<Result<_, CodecError>>()?,
        ),
        (Type::Dynamic, J::Object(o)) if o.contains_key("type") && o.contains_key("value") => {
            let t = Type::from_json(&o["type"]).map_err(CodecError::Invalid)?;
            let v = from_json(&o["value"], &t)?;
            Value::Dynamic(Box::new((t, v)))
        }
        (t, j) => return Err(CodecError::Invalid(format!("{j} is not a {}", t.to_json()))),
    })
}

fn json_number(n: &serde_json::Number) -> Result<Number, CodecError> {
    if let Some(i) = n.as_i64() {
        Ok(Number::Int(i))
    } else if let Some(f) = n.as_f64() {
        Ok(Number::from_f64(f))
    } else {
        Err(CodecError::Number(n.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_ty() -> Type {
        Type::Object(vec![
            ("id".into(), Type::Number),
            ("name".into(), Type::String),
            ("tags".into(), Type::Set(Box::new(Type::String))),
            ("meta".into(), Type::Map(Box::new(Type::Bool))),
            ("pair".into(), Type::Tuple(vec![Type::Number, Type::String])),
            (
                "list".into(),
                Type::List(Box::new(Type::Object(vec![("x".into(), Type::Number)]))),
            ),
        ])
    }

    fn sample() -> Value {
        let mut m = Object::new();
        m.insert("id".into(), Value::int(-70_000));
        m.insert("name".into(), Value::string("x".repeat(300)));
        m.insert("tags".into(), Value::Set(vec![Value::string("a"), Value::Unknown]));
        m.insert(
            "meta".into(),
            Value::Map([("k".to_string(), Value::Bool(true))].into_iter().collect()),
        );
        m.insert(
            "pair".into(),
            Value::Tuple(vec![Value::Number(Number::Float(1.5)), Value::Null]),
        );
        m.insert(
            "list".into(),
            Value::List(vec![Value::Object(
                [("x".to_string(), Value::int(300))].into_iter().collect(),
            )]),
        );
        Value::Object(m)
    }

    #[test]
    fn msgpack_round_trips_every_kind_with_null_and_unknown_at_depth() {
        let v = sample();
        let bytes = encode_msgpack(&v, &obj_ty());
        assert_eq!(decode_msgpack(&bytes, &obj_ty()).unwrap(), v);
    }

    #[test]
    fn unknown_is_written_as_ext0_and_refined_unknowns_are_read() {
        assert_eq!(encode_msgpack(&Value::Unknown, &Type::String), vec![0xd4, 0, 0]);
        // cty's encoding of refined unknowns: extension type 0x0c whose payload is a map of
        // refinements. Key 1 is "is null" (false: definitely not null), 2 a string prefix, 3/4 number
        // bounds as [bound, inclusive], 5/6 collection length bounds.
        let mut prefixed = vec![0xc7, 0x0c, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa7];
        prefixed.extend_from_slice(b"prefix-");
        assert_eq!(decode_msgpack(&prefixed, &Type::String).unwrap(), Value::Unknown);
        let bounded = [
            0xc7, 0x0b, 0x0c, 0x83, 0x01, 0xc2, 0x03, 0x92, 0x00, 0xc3, 0x04, 0x92, 0x0a, 0xc2,
        ];
        assert_eq!(decode_msgpack(&bounded, &Type::Number).unwrap(), Value::Unknown);
        let list = Type::List(Box::new(Type::String));
        let sized = [0xc7, 0x07, 0x0c, 0x83, 0x01, 0xc2, 0x05, 0x01, 0x06, 0x03];
        assert_eq!(decode_msgpack(&sized, &list).unwrap(), Value::Unknown);

        // Inside an object, the refinements are consumed whole and the next attribute still reads.
        let ty = Type::Object(vec![("id".into(), Type::Number), ("name".into(), Type::String)]);
        let mut obj = vec![0x82, 0xa4, b'n', b'a', b'm', b'e'];
        obj.extend_from_slice(&prefixed);
        obj.extend_from_slice(&[0xa2, b'i', b'd', 0x07]);
        let v = decode_msgpack(&obj, &ty).unwrap();
        assert_eq!(v.as_object().unwrap()["name"], Value::Unknown);
        assert_eq!(v.as_object().unwrap()["id"], Value::int(7));

        // fixext1 with a non-zero payload is unknown as well.
        assert_eq!(
            decode_msgpack(&[0xd4, 0x00, 0x07], &Type::Number).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn numbers_in_every_msgpack_width_and_as_strings() {
        let cases: Vec<(Vec<u8>, Number)> = vec![
            (vec![0x05], Number::Int(5)),
            (vec![0xff], Number::Int(-1)),
            (vec![0xcc, 0xc8], Number::Int(200)),
            (vec![0xcd, 0x01, 0x00], Number::Int(256)),
            (vec![0xce, 0, 1, 0, 0], Number::Int(65536)),
            (vec![0xd0, 0x80], Number::Int(-128)),
            (
                vec![0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
                Number::Int(-2),
            ),
            (
                vec![0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18],
                Number::Float(std::f64::consts::PI),
            ),
            (vec![0xa2, b'4', b'2'], Number::Int(42)),
        ];
        for (bytes, n) in cases {
            assert_eq!(
                decode_msgpack(&bytes, &Type::Number).unwrap(),
                Value::Number(n),
                "{bytes:x?}"
            );
        }
        for i in [0, 127, 128, -32, -33, 255, 70_000, -70_000, i64::MAX, i64::MIN] {
            let b = encode_msgpack(&Value::int(i), &Type::Number);
            assert_eq!(decode_msgpack(&b, &Type::Number).unwrap(), Value::int(i));
        }
    }

    #[test]
    fn objects_fill_missing_attributes_with_null_and_skip_unknown_ones() {
        // {"name": "a", "extra": [1]} decoded as object{id, name}
        let bytes = [
            0x82, 0xa4, b'n', b'a', b'm', b'e', 0xa1, b'a', 0xa5, b'e', b'x', b't', b'r', b'a', 0x91, 0x01,
        ];
        let ty = Type::Object(vec![("id".into(), Type::Number), ("name".into(), Type::String)]);
        let v = decode_msgpack(&bytes, &ty).unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(o["id"], Value::Null);
        assert_eq!(o["name"], Value::string("a"));
    }

    #[test]
    fn unknown_attributes_of_any_shape_are_skipped_whole() {
        // {"extra": [1, {"a": "b"}, 3], "name": "a"}
        let bytes = [
            0x82, 0xa5, b'e', b'x', b't', b'r', b'a', 0x93, 0x01, 0x81, 0xa1, b'a', 0xa1, b'b', 0x03, 0xa4, b'n', b'a',
            b'm', b'e', 0xa1, b'a',
        ];
        let ty = Type::Object(vec![("name".into(), Type::String)]);
        let v = decode_msgpack(&bytes, &ty).unwrap();
        assert_eq!(v.as_object().unwrap()["name"], Value::string("a"));
    }

    #[test]
    fn deeply_nested_unknown_attributes_are_an_error_not_a_stack_overflow() {
        let ty = Type::Object(vec![("name".into(), Type::String)]);
        // {"extra": [[[[ … 1 … ]]]], "name": "a"}, then the same with nested maps {"k": {"k": …}}.
        let nested = |depth: usize, open: &[u8]| {
            let mut b = vec![0x82, 0xa5, b'e', b'x', b't', b'r', b'a'];
            for _ in 0..depth {
                b.extend_from_slice(open);
            }
            b.push(0x01);
            b.extend_from_slice(&[0xa4, b'n', b'a', b'm', b'e', 0xa1, b'a']);
            b
        };
        for open in [&[0x91][..], &[0x81, 0xa1, b'k'][..]] {
            assert_eq!(
                decode_msgpack(&nested(1_000_000, open), &ty),
                Err(CodecError::TooDeep(MAX_SKIP_DEPTH))
            );
            // Real values, a few levels deep, are still skipped.
            let v = decode_msgpack(&nested(MAX_SKIP_DEPTH, open), &ty).unwrap();
            assert_eq!(v.as_object().unwrap()["name"], Value::string("a"));
        }
    }

    #[test]
    fn a_tuple_of_the_wrong_length_is_an_encoding_error() {
        let ty = Type::Object(vec![("pair".into(), Type::Tuple(vec![Type::Number, Type::String]))]);
        let short = Value::Object(
            [("pair".to_string(), Value::Tuple(vec![Value::int(1)]))]
                .into_iter()
                .collect(),
        );
        assert_eq!(
            try_encode_msgpack(&short, &ty),
            Err(CodecError::TupleLength { got: 1, expected: 2 })
        );
        let long = Value::List(vec![Value::int(1), Value::string("a"), Value::int(3)]);
        let tuple = Type::Tuple(vec![Type::Number, Type::String]);
        assert!(try_encode_msgpack(&long, &tuple).is_err());
        // What the infallible form sends instead is still well-formed msgpack.
        let bytes = encode_msgpack(&short, &ty);
        assert_eq!(decode_msgpack(&bytes, &ty).unwrap(), Value::Null);
        // The right length encodes and round-trips.
        let ok = Value::Tuple(vec![Value::int(1), Value::string("a")]);
        let bytes = try_encode_msgpack(&ok, &tuple).unwrap();
        assert_eq!(decode_msgpack(&bytes, &tuple).unwrap(), ok);
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let v = Value::Dynamic(Box::new((
            Type::List(Box::new(Type::String)),
            Value::List(vec![Value::string("z")]),
        )));
        let b = encode_msgpack(&v, &Type::Dynamic);
        assert_eq!(decode_msgpack(&b, &Type::Dynamic).unwrap(), v);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert_eq!(decode_msgpack(&[], &Type::String), Err(CodecError::Eof));
        assert!(decode_msgpack(&[0xa5, b'a'], &Type::String).is_err());
        assert!(decode_msgpack(&[0xc3], &Type::String).is_err());
        assert!(decode_msgpack(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Type::List(Box::new(Type::Bool))).is_err());
        assert!(decode_msgpack(&[0xc7, 0xff, 0x00], &Type::String).is_err());
        assert!(decode_msgpack(&[0x01, 0x02], &Type::Number).is_err());
    }

    #[test]
    fn random_and_truncated_input_never_panics() {
        let ty = obj_ty();
        let valid = encode_msgpack(&sample(), &ty);
        for cut in 0..valid.len() {
            assert!(
                decode_msgpack(&valid[..cut], &ty).is_err(),
                "prefix of {cut} bytes accepted"
            );
        }
        let mut rng = fastrand::Rng::with_seed(27);
        for _ in 0..20_000 {
            let len = rng.usize(0..40);
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
            // Often start like a real object so decoding gets past the first byte.
            if rng.bool() && !bytes.is_empty() {
                bytes[0] = 0x80 | rng.u8(0..16);
            }
            for t in [&ty, &Type::Dynamic, &Type::List(Box::new(Type::Number))] {
                let _ = decode_msgpack(&bytes, t);
            }
        }
    }

    #[test]
    fn state_json_decodes_with_the_schema_type() {
        let ty = Type::Object(vec![
            ("id".into(), Type::Number),
            ("name".into(), Type::String),
            ("tags".into(), Type::List(Box::new(Type::String))),
        ]);
        let v = decode_json(br#"{"id": 12, "name": null, "tags": ["a"], "gone": true}"#, &ty).unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(o["id"], Value::int(12));
        assert_eq!(o["name"], Value::Null);
        assert_eq!(o["tags"], Value::List(vec![Value::string("a")]));
        assert!(!o.contains_key("gone"));
        assert!(decode_json(br#"{"id": "x"}"#, &ty).is_err());
    }

    #[test]
    fn numbers_and_bools_in_state_json_read_as_strings_where_the_schema_says_string() {
        let ty = Type::Object(vec![("id".into(), Type::String), ("flag".into(), Type::String)]);
        let v = decode_json(br#"{"id": 5501, "flag": true}"#, &ty).unwrap();
        assert_eq!(v.as_object().unwrap()["id"], Value::string("5501"));
        assert_eq!(v.as_object().unwrap()["flag"], Value::string("true"));
        assert!(decode_json(br#"{"id": [1]}"#, &ty).is_err());
    }
}
