//! Fingerprints of a tool list for schema drift (product spec, section 5): the *contract*
//! (what clients call: names and schemas) and the *metadata* (what people and models read),
//! each hashed over a canonical form, and a readable diff of two lists.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Fields whose change breaks clients.
pub const CONTRACT_FIELDS: &[&str] = &["name", "inputSchema", "outputSchema", "execution"];
/// Fields whose change only alters what is shown.
pub const METADATA_FIELDS: &[&str] = &["name", "title", "description", "annotations", "icons"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub contract_hash: String,
    pub metadata_hash: String,
}

/// Hashes the tools sorted by name with keys sorted; `_meta`, cursors and unknown fields do
/// not count. 64 bits of SHA-256 in hex: ample to notice a change, short enough to store.
pub fn fingerprint(tools: &[Value]) -> Fingerprint {
    Fingerprint {
        contract_hash: hash_of(tools, CONTRACT_FIELDS),
        metadata_hash: hash_of(tools, METADATA_FIELDS),
    }
}

fn hash_of(tools: &[Value], fields: &[&str]) -> String {
    let mut projected: Vec<(&str, String)> = tools
        .iter()
        .map(|tool| {
            let name = tool.get("name").and_then(Value::as_str).unwrap_or_default();
            (name, canonical(&project(tool, fields)))
        })
        .collect();
    projected.sort();
    let texts: Vec<String> = projected.into_iter().map(|(_, text)| text).collect();
    let mut hasher = Sha256::new();
    hasher.update(b"[");
    hasher.update(texts.join(",").as_bytes());
    hasher.update(b"]");
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn project(tool: &Value, fields: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(object) = tool.as_object() {
        for field in fields {
            if let Some(value) = object.get(*field) {
                out.insert((*field).to_owned(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// JSON with object keys sorted at every level and no whitespace.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            // serde_json's map is sorted unless a crate in the build turns on its
            // `preserve_order`; canonical must not depend on that.
            let mut sorted: Vec<(&String, &Value)> = map.iter().collect();
            sorted.sort_by_key(|(key, _)| *key);
            out.push('{');
            for (index, (key, value)) in sorted.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// A tool added or removed, or a schema changed: clients may break (P2).
    Contract,
    /// Only titles, descriptions, annotations or icons changed (P3).
    Metadata,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolChange {
    pub name: String,
    /// The top-level fields that differ, e.g. `inputSchema`, `description`.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ToolListDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<ToolChange>,
}

impl ToolListDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The worse kind of change in the diff, if anything changed that we compare.
    pub fn kind(&self) -> Option<DriftKind> {
        let contract_change = self.changed.iter().any(|c| {
            c.fields
                .iter()
                .any(|f| CONTRACT_FIELDS.contains(&f.as_str()))
        });
        if !self.added.is_empty() || !self.removed.is_empty() || contract_change {
            Some(DriftKind::Contract)
        } else if !self.changed.is_empty() {
            Some(DriftKind::Metadata)
        } else {
            None
        }
    }
}

/// What changed from `before` to `after`, tool by tool (matched by name).
pub fn diff(before: &[Value], after: &[Value]) -> ToolListDiff {
    // The page's one map type (`sorted.rs`): no map code of its own in the page.
    let index = |tools: &'_ [Value]| -> std::collections::BTreeMap<String, Value> {
        tools
            .iter()
            .filter_map(|t| Some((t.get("name")?.as_str()?.to_owned(), t.clone())))
            .collect()
    };
    let (old, new) = (index(before), index(after));
    let compared: Vec<&str> = CONTRACT_FIELDS
        .iter()
        .chain(METADATA_FIELDS)
        .copied()
        .filter(|f| *f != "name")
        .collect();
    let mut result = ToolListDiff {
        added: new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect(),
        removed: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        changed: Vec::new(),
    };
    for (name, old_tool) in &old {
        let Some(new_tool) = new.get(name) else {
            continue;
        };
        let fields: Vec<String> = compared
            .iter()
            .filter(|f| old_tool.get(**f).map(canonical) != new_tool.get(**f).map(canonical))
            .map(|f| (*f).to_owned())
            .collect();
        if !fields.is_empty() {
            result.changed.push(ToolChange {
                name: name.clone(),
                fields,
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tools() -> Vec<Value> {
        vec![
            json!({"name":"b","description":"B","inputSchema":{"type":"object","properties":{"y":{"type":"string"},"x":{"type":"number"}}}}),
            json!({"name":"a","title":"A","inputSchema":{"type":"object"},"_meta":{"cache":1}}),
        ]
    }

    #[test]
    fn order_of_tools_and_keys_and_meta_do_not_change_the_fingerprint() {
        let base = fingerprint(&tools());
        let mut reordered = tools();
        reordered.reverse();
        // Now [a, b]: rewrite b with its keys in another order, and change a's `_meta`.
        reordered[1] = json!({"inputSchema":{"properties":{"x":{"type":"number"},"y":{"type":"string"}},"type":"object"},"description":"B","name":"b"});
        reordered[0]["_meta"] = json!({"cache": 2});
        assert_eq!(fingerprint(&reordered), base);
        assert_eq!(base.contract_hash.len(), 16);
    }

    #[test]
    fn a_description_change_moves_only_the_metadata_hash() {
        let base = fingerprint(&tools());
        let mut changed = tools();
        changed[0]["description"] = json!("B, better explained");
        let after = fingerprint(&changed);
        assert_eq!(after.contract_hash, base.contract_hash);
        assert_ne!(after.metadata_hash, base.metadata_hash);
        let d = diff(&tools(), &changed);
        assert_eq!(
            d.changed,
            vec![ToolChange {
                name: "b".into(),
                fields: vec!["description".into()]
            }]
        );
        assert_eq!(d.kind(), Some(DriftKind::Metadata));
    }

    #[test]
    fn a_schema_change_or_a_new_tool_is_a_contract_change() {
        let base = fingerprint(&tools());
        let mut changed = tools();
        changed[1]["inputSchema"]["required"] = json!(["q"]);
        changed.push(json!({"name":"c","inputSchema":{}}));
        assert_ne!(fingerprint(&changed).contract_hash, base.contract_hash);
        let d = diff(&tools(), &changed);
        assert_eq!(d.added, vec!["c".to_owned()]);
        assert_eq!(d.changed[0].fields, vec!["inputSchema".to_owned()]);
        assert_eq!(d.kind(), Some(DriftKind::Contract));
        let removed = diff(&changed, &tools());
        assert_eq!(removed.removed, vec!["c".to_owned()]);
        assert!(diff(&tools(), &tools()).is_empty());
        assert_eq!(diff(&tools(), &tools()).kind(), None);
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        assert_eq!(
            canonical(&json!({"b":[{"d":1,"c":"é"}],"a":null})),
            r#"{"a":null,"b":[{"c":"é","d":1}]}"#
        );
    }
}
