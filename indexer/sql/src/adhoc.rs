//! `floe indexer sql`: one query of the analyst's, its rows printed as a table. Columns are
//! read whatever their type (the row's own field names and the backend's value types), so
//! any `SELECT` over the tables and views works on either backend.

use diesel::deserialize::{self, QueryableByName};
use diesel::pg::{Pg, PgValue};
use diesel::row::{Field, NamedRow, Row};
use diesel::sqlite::{Sqlite, SqliteType};
use diesel_async::RunQueryDsl;

use crate::db::Db;

/// One result row: its columns' names and values as text (`None` for NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyRow(pub Vec<(String, Option<String>)>);

impl QueryableByName<Sqlite> for AnyRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        let mut out = Vec::with_capacity(Row::field_count(row));
        for i in 0..Row::field_count(row) {
            let field = Row::get(row, i).ok_or("a column went missing")?;
            let name = field.field_name().unwrap_or("?").to_owned();
            let value = field.value().map(|mut v| match v.value_type() {
                Some(SqliteType::Long | SqliteType::Integer | SqliteType::SmallInt) => {
                    v.read_long().to_string()
                }
                Some(SqliteType::Double | SqliteType::Float) => v.read_double().to_string(),
                Some(SqliteType::Binary) => format!("\\x{}", hex::encode(v.read_blob())),
                _ => v.read_text().to_owned(),
            });
            out.push((name, value));
        }
        Ok(AnyRow(out))
    }
}

impl QueryableByName<Pg> for AnyRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        let mut out = Vec::with_capacity(Row::field_count(row));
        for i in 0..Row::field_count(row) {
            let field = Row::get(row, i).ok_or("a column went missing")?;
            let name = field.field_name().unwrap_or("?").to_owned();
            let value = match field.value() {
                None => None,
                Some(v) => Some(pg_text(&v)?),
            };
            out.push((name, value));
        }
        Ok(AnyRow(out))
    }
}

/// A PostgreSQL value (binary format) as text, by its type.
fn pg_text(v: &PgValue<'_>) -> deserialize::Result<String> {
    let b = v.as_bytes();
    let fixed = |n: usize| -> deserialize::Result<&[u8]> {
        if b.len() == n {
            Ok(b)
        } else {
            Err(format!("a {n}-byte value has {} bytes", b.len()).into())
        }
    };
    Ok(match v.get_oid().get() {
        16 => (fixed(1)?[0] != 0).to_string(),
        20 => i64::from_be_bytes(fixed(8)?.try_into()?).to_string(),
        21 => i16::from_be_bytes(fixed(2)?.try_into()?).to_string(),
        23 => i32::from_be_bytes(fixed(4)?.try_into()?).to_string(),
        700 => f32::from_be_bytes(fixed(4)?.try_into()?).to_string(),
        701 => f64::from_be_bytes(fixed(8)?.try_into()?).to_string(),
        1700 => numeric_text(b)?,
        17 => format!("\\x{}", hex::encode(b)),
        // text, varchar, name, bpchar, json and anything else textual.
        _ => String::from_utf8_lossy(b).into_owned(),
    })
}

/// PostgreSQL's binary NUMERIC (base-10000 digits) as decimal text.
fn numeric_text(b: &[u8]) -> deserialize::Result<String> {
    let word = |i: usize| -> deserialize::Result<i16> {
        let s = b.get(2 * i..2 * i + 2).ok_or("a truncated NUMERIC")?;
        Ok(i16::from_be_bytes([s[0], s[1]]))
    };
    let (n, weight, sign, scale) = (word(0)?, word(1)?, word(2)? as u16, word(3)?);
    if sign == 0xC000 {
        return Ok("NaN".into());
    }
    let digits = (0..n.max(0) as usize)
        .map(|i| word(4 + i))
        .collect::<deserialize::Result<Vec<i16>>>()?;
    let mut int = String::new();
    for k in 0..=weight.max(-1) {
        let d = digits.get(k as usize).copied().unwrap_or(0);
        if int.is_empty() {
            int = d.to_string();
        } else {
            int.push_str(&format!("{d:04}"));
        }
    }
    if int.is_empty() {
        int.push('0');
    }
    let mut frac = String::new();
    for k in (weight + 1).max(0)..(weight + 1).max(0) + (scale.max(0) as i16 + 3) / 4 {
        let d = if k < 0 {
            0
        } else {
            digits.get(k as usize).copied().unwrap_or(0)
        };
        frac.push_str(&format!("{d:04}"));
    }
    frac.truncate(scale.max(0) as usize);
    let sign = if sign == 0x4000 { "-" } else { "" };
    Ok(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    })
}

/// Runs `query` and returns its rows.
pub async fn query(db: &mut Db, query: &str) -> diesel::QueryResult<Vec<AnyRow>> {
    crate::with_conn!(db, c => diesel::sql_query(query).load::<AnyRow>(c).await)
}

/// `rows` as an aligned text table with a header and a row count.
pub fn table(rows: &[AnyRow]) -> String {
    let Some(first) = rows.first() else {
        return "(0 rows)\n".into();
    };
    let header: Vec<&str> = first.0.iter().map(|(n, _)| n.as_str()).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.0.iter()
                .map(|(_, v)| v.clone().unwrap_or_else(|| "NULL".into()))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |values: Vec<&str>| -> String {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        format!("{}\n", padded.join(" | ").trim_end())
    };
    let mut out = line(header.clone());
    out.push_str(&format!(
        "{}\n",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    ));
    for row in &cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}
