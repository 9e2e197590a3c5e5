//! The values a Prometheus alert template computes with, typed as Go sees them.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::exec::Sample;
use crate::format::format_float_g;

/// A label set; sorted, as Go prints and ranges over maps in key order.
pub type Labels = BTreeMap<String, String>;

/// What Prometheus passes as `.` to an alert template.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertData {
    pub labels: Labels,
    pub external_labels: Labels,
    pub external_url: String,
    pub value: f64,
}

/// A template value and the Go type it stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An untyped nil.
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// `map[string]string`
    Labels(Rc<Labels>),
    /// A `time.Time`, as seconds and nanoseconds since the Unix epoch, in UTC.
    Time {
        seconds: i64,
        nanos: u32,
    },
    /// The template data.
    Data(Rc<AlertData>),
    /// A query result.
    Samples(Rc<Vec<Sample>>),
    Sample(Rc<Sample>),
}

impl Value {
    /// Go's name of the type, as `%T` and printf's error texts show it.
    pub fn go_type_name(&self) -> &'static str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Labels(_) => "map[string]string",
            Value::Time { .. } => "time.Time",
            Value::Data(_) => {
                "struct { Labels map[string]string; ExternalLabels map[string]string; \
                 ExternalURL string; Value float64 }"
            }
            Value::Samples(_) => "template.queryResult",
            Value::Sample(_) => "*template.sample",
        }
    }

    /// Go's `%v`.
    pub fn go_string(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float_g(*f, None),
            Value::String(s) => s.clone(),
            Value::Labels(labels) => format_map(labels),
            Value::Time { seconds, nanos } => format_time(*seconds, *nanos),
            Value::Data(data) => format!(
                "{{{} {} {} {}}}",
                format_map(&data.labels),
                format_map(&data.external_labels),
                data.external_url,
                format_float_g(data.value, None)
            ),
            Value::Samples(samples) => {
                let items: Vec<String> = samples.iter().map(format_sample).collect();
                format!("[{}]", items.join(" "))
            }
            Value::Sample(sample) => format_sample(sample),
        }
    }

    /// Go's truthiness for `if`, `with`, `and`, `or` and `not`: the zero
    /// value of a type and empty maps are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Labels(labels) => !labels.is_empty(),
            Value::Samples(samples) => !samples.is_empty(),
            Value::Time { .. } | Value::Data(_) | Value::Sample(_) => true,
        }
    }
}

fn format_sample(sample: &Sample) -> String {
    format!(
        "&{{{} {}}}",
        format_map(&sample.labels),
        format_float_g(sample.value, None)
    )
}

fn format_map(labels: &Labels) -> String {
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", pairs.join(" "))
}

/// Go's `time.Time.String()` for a UTC time: `2023-11-14 22:13:20 +0000 UTC`,
/// with the fraction of a second, trailing zeros dropped, when there is one.
pub fn format_time(seconds: i64, nanos: u32) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let mut text = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    );
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push_str(" +0000 UTC");
    text
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_like_go() {
        assert_eq!(
            format_time(1_700_000_000, 0),
            "2023-11-14 22:13:20 +0000 UTC"
        );
        assert_eq!(
            format_time(0, 500_000_000),
            "1970-01-01 00:00:00.5 +0000 UTC"
        );
        assert_eq!(format_time(-1, 0), "1969-12-31 23:59:59 +0000 UTC");
    }

    #[test]
    fn maps_print_sorted() {
        let labels: Labels = [("job", "j"), ("__name__", "m")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(
            Value::Labels(Rc::new(labels)).go_string(),
            "map[__name__:m job:j]"
        );
    }
}
