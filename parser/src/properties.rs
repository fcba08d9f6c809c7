//! The metadata comment of Founder templates, `<!--enpproperty <date>…</date>… /enpproperty-->`
//! (`mpproperty` in 大河网's), which may stand after `</html>`. Both Founder layouts write it;
//! where a field of it is filled, it is the paper's own and beats what the markup suggests.

use chrono::NaiveDate;

use crate::text::clean;

regex!(PROPERTY_OPEN, r"<!--\s*(?:enp|mp)property");
regex!(PROPERTY_CLOSE, r"/(?:enp|mp)property\s*-->");
regex!(
    PROPERTY_FIELD,
    r"(?s)<([A-Za-z][\w-]*)>([^<]*)</([A-Za-z][\w-]*)>"
);

/// The fields of the metadata comment, in document order, names lowercased.
#[derive(Debug, Default)]
pub struct Properties(Vec<(String, String)>);

impl Properties {
    pub fn read(html: &str) -> Properties {
        let Some(block) = crate::html::between(html, &PROPERTY_OPEN, &PROPERTY_CLOSE) else {
            return Properties::default();
        };
        let fields = PROPERTY_FIELD
            .captures_iter(block)
            .filter(|caps| caps[1].eq_ignore_ascii_case(&caps[3]))
            .map(|caps| (caps[1].to_ascii_lowercase(), clean(&caps[2])))
            .collect();
        Properties(fields)
    }

    /// The non-empty value of `key`, or of `founder-<key>`, the name the `mpproperty` block of
    /// 大河网's template (河南商报) gives the same field.
    pub fn get(&self, key: &str) -> Option<&str> {
        let value = |key: &str| {
            self.0
                .iter()
                .find(|(k, v)| k == key && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        value(key).or_else(|| value(&format!("founder-{key}")))
    }

    /// The date `key` holds: `2024-05-18 00:00:00:0`, read by its first ten characters.
    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        self.get(key)
            .and_then(|value| value.get(..10))
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
    }
}
