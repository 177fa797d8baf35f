//! Conversions between Python objects and the JSON values the Rust core speaks.
//!
//! Tool arguments can be anything (dataclasses, paths, enums …). They are turned into JSON the
//! way a reviewer would want to read them: containers recursively, enums by value, everything
//! else by `str()`. Nothing here fails on odd input: an object that cannot be converted becomes
//! its text, so the scorer still sees it.

use attesta_core::ActionContext;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Deeper structures are cut (and say so) rather than recursing without bound.
const MAX_DEPTH: usize = 64;

pub fn to_json(obj: &Bound<'_, PyAny>) -> Value {
    to_json_at(obj, 0)
}

fn to_json_at(obj: &Bound<'_, PyAny>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::String("[truncated: nested too deeply]".into());
    }
    if obj.is_none() {
        return Value::Null;
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Value::Bool(b.is_true());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Value::String(s.to_string_lossy().into_owned());
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Value::Number(i.into());
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Value::Number(u.into());
        }
        // Larger than 64 bits: keep every digit as text.
        return Value::String(text_of(obj));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s.to_string_lossy().into_owned(),
                Err(_) => text_of(&k),
            };
            map.insert(key, to_json_at(&v, depth + 1));
        }
        return Value::Object(map);
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return Value::Array(l.iter().map(|v| to_json_at(&v, depth + 1)).collect());
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return Value::Array(t.iter().map(|v| to_json_at(&v, depth + 1)).collect());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Value::String(format!("<{} bytes>", b.as_bytes().len()));
    }
    // Enum members (our own and the caller's) are recorded by value.
    if is_enum(obj)
        && let Ok(value) = obj.getattr("value")
    {
        return to_json_at(&value, depth + 1);
    }
    // Sets, frozensets, other sequences and mappings.
    if let Ok(items) = obj.call_method0("items")
        && let Ok(iter) = items.try_iter()
    {
        let mut map = Map::new();
        for pair in iter.flatten() {
            if let Ok((k, v)) = pair.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>() {
                map.insert(text_of(&k), to_json_at(&v, depth + 1));
            }
        }
        return Value::Object(map);
    }
    if obj.hasattr("__iter__").unwrap_or(false)
        && !obj.hasattr("read").unwrap_or(false)
        && let Ok(iter) = obj.try_iter()
    {
        return Value::Array(iter.flatten().map(|v| to_json_at(&v, depth + 1)).collect());
    }
    Value::String(text_of(obj))
}

fn is_enum(obj: &Bound<'_, PyAny>) -> bool {
    static ENUM: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
    let py = obj.py();
    match ENUM.import(py, "enum", "Enum") {
        Ok(enum_type) => obj.is_instance(enum_type).unwrap_or(false),
        Err(_) => false,
    }
}

fn text_of(obj: &Bound<'_, PyAny>) -> String {
    obj.str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "<unprintable>".into())
}

pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

pub fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, to_py(py, v)?)?;
    }
    Ok(dict)
}

fn json_map(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Map<String, Value>> {
    match to_json(obj) {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "ActionContext.{field} must be a dict, got {other}"
        ))),
    }
}

fn opt_string(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Option<String>> {
    let value = obj.getattr(field)?;
    if value.is_none() {
        return Ok(None);
    }
    Ok(Some(match value.cast::<PyString>() {
        Ok(s) => s.to_string_lossy().into_owned(),
        Err(_) => text_of(&value),
    }))
}

/// Reads any object with the `ActionContext` attributes (ours, or a look-alike), or a dict in the
/// wire format.
pub fn context_from_py(obj: &Bound<'_, PyAny>) -> PyResult<ActionContext> {
    if let Ok(d) = obj.cast::<PyDict>() {
        let value = to_json(d.as_any());
        return serde_json::from_value(value).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("invalid ActionContext dict: {e}"))
        });
    }
    let name = obj.getattr("function_name")?;
    let function_name = match name.cast::<PyString>() {
        Ok(s) => s.to_string_lossy().into_owned(),
        Err(_) => {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "ActionContext.function_name must be a str",
            ));
        }
    };
    let args = match to_json(&obj.getattr("args")?) {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    Ok(ActionContext {
        function_name,
        args,
        kwargs: json_map(&obj.getattr("kwargs")?, "kwargs")?,
        function_doc: opt_string(obj, "function_doc")?,
        hints: json_map(&obj.getattr("hints")?, "hints")?,
        agent_id: opt_string(obj, "agent_id")?,
        session_id: opt_string(obj, "session_id")?,
        environment: opt_string(obj, "environment")?,
        metadata: json_map(&obj.getattr("metadata")?, "metadata")?,
    })
}

/// Builds the Python `attesta.ActionContext` for a Rust context (what Python scorers and renderers
/// receive).
pub fn context_to_py<'py>(py: Python<'py>, ctx: &ActionContext) -> PyResult<Bound<'py, PyAny>> {
    static CLASS: PyOnceLock<Py<pyo3::types::PyType>> = PyOnceLock::new();
    let class = CLASS.import(py, "attesta._types", "ActionContext")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("function_name", &ctx.function_name)?;
    let args: Vec<Bound<'py, PyAny>> = ctx
        .args
        .iter()
        .map(|v| to_py(py, v))
        .collect::<PyResult<_>>()?;
    kwargs.set_item("args", PyTuple::new(py, args)?)?;
    kwargs.set_item("kwargs", map_to_py(py, &ctx.kwargs)?)?;
    kwargs.set_item("function_doc", ctx.function_doc.as_deref())?;
    kwargs.set_item("hints", map_to_py(py, &ctx.hints)?)?;
    kwargs.set_item("agent_id", ctx.agent_id.as_deref())?;
    kwargs.set_item("session_id", ctx.session_id.as_deref())?;
    kwargs.set_item("environment", ctx.environment.as_deref())?;
    kwargs.set_item("metadata", map_to_py(py, &ctx.metadata)?)?;
    class.call((), Some(&kwargs))
}
