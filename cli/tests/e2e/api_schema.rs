//! A small structural check of JSON values against the schemas of the console's OpenAPI
//! document: types (3.1 type lists and `null` included), required properties, no properties
//! the schema does not name, array items, enums, `oneOf`/`anyOf` and `$ref`s to components.
//! Enough to catch a response that drifts from what the document promises.

use serde_json::Value;

/// The schema of the `status` response of `method path` in `document`, as JSON.
pub(crate) fn response_schema<'a>(
    document: &'a Value,
    method: &str,
    path: &str,
    status: u16,
) -> &'a Value {
    let operation = &document["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not documented");
    let content = &operation["responses"][status.to_string()]["content"];
    let media = content
        .as_object()
        .and_then(|c| c.values().next())
        .unwrap_or_else(|| panic!("{method} {path} documents no {status} body"));
    &media["schema"]
}

/// Checks `value` against `schema`; every mismatch is listed with its JSON path.
pub(crate) fn validate(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(document, schema, value, "$", &mut errors);
    errors
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
            let target = &document["components"]["schemas"][name];
            assert!(target.is_object(), "{reference} is not in the document");
            resolve(document, target)
        }
        None => schema,
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        other => panic!("unknown schema type {other}"),
    }
}

fn check(document: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(document, schema);
    for combinator in ["oneOf", "anyOf"] {
        if let Some(options) = schema[combinator].as_array() {
            let fits = options
                .iter()
                .any(|option| validate(document, option, value).is_empty());
            if !fits {
                errors.push(format!("{at}: fits none of {combinator} ({value})"));
            }
            return;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|name| type_matches(name, value)) {
        errors.push(format!("{at}: {value} is not {types:?}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Object(fields) if schema["properties"].is_object() => {
            let properties = schema["properties"].as_object().unwrap();
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap();
                if !fields.contains_key(name) {
                    errors.push(format!("{at}: required {name} is missing"));
                }
            }
            for (name, field) in fields {
                match properties.get(name) {
                    Some(property) => {
                        check(document, property, field, &format!("{at}.{name}"), errors)
                    }
                    None => errors.push(format!("{at}: {name} is not in the schema")),
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (idx, item) in items.iter().enumerate() {
                check(
                    document,
                    &schema["items"],
                    item,
                    &format!("{at}[{idx}]"),
                    errors,
                );
            }
        }
        _ => {}
    }
}
