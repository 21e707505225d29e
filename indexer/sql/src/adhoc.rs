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

/// PostgreSQL's binary NUMERIC as decimal text: `ndigits`, `weight` (the power of 10,000 of
/// the first digit), the sign and the display scale, then the base-10,000 digits.
fn numeric_text(b: &[u8]) -> deserialize::Result<String> {
    let word = |i: usize| -> deserialize::Result<i16> {
        let s = b.get(2 * i..2 * i + 2).ok_or("a truncated NUMERIC")?;
        Ok(i16::from_be_bytes([s[0], s[1]]))
    };
    let (n, weight, sign, scale) = (word(0)?, i32::from(word(1)?), word(2)? as u16, word(3)?);
    if sign == 0xC000 {
        return Ok("NaN".into());
    }
    let digits = (0..n.max(0) as usize)
        .map(|i| word(4 + i))
        .collect::<deserialize::Result<Vec<i16>>>()?;
    // The digit at power `pos` of 10,000.
    let at = |pos: i32| -> i16 {
        usize::try_from(weight - pos)
            .ok()
            .and_then(|i| digits.get(i).copied())
            .unwrap_or(0)
    };
    let mut int = at(weight.max(0)).to_string();
    for pos in (0..weight.max(0)).rev() {
        int.push_str(&format!("{:04}", at(pos)));
    }
    let scale = scale.max(0) as usize;
    let mut frac = String::new();
    for pos in 1..=scale.div_ceil(4) as i32 {
        frac.push_str(&format!("{:04}", at(-pos)));
    }
    frac.truncate(scale);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(weight: i16, sign: u16, scale: i16, digits: &[i16]) -> Vec<u8> {
        let mut b = Vec::new();
        for w in [digits.len() as i16, weight, sign as i16, scale] {
            b.extend(w.to_be_bytes());
        }
        for d in digits {
            b.extend(d.to_be_bytes());
        }
        b
    }

    #[test]
    fn numerics_print_as_postgres_does() {
        let cases: &[(i16, u16, i16, &[i16], &str)] = &[
            (1, 0, 3, &[1, 2345, 6780], "12345.678"),
            (-1, 0, 2, &[500], "0.05"),
            (-2, 0, 8, &[1], "0.00000001"),
            (-2, 0, 8, &[100], "0.00000100"),
            (2, 0x4000, 0, &[7], "-700000000"),
            (0, 0, 0, &[], "0"),
            (0, 0xC000, 0, &[], "NaN"),
        ];
        for (weight, sign, scale, digits, text) in cases {
            let got = numeric_text(&numeric(*weight, *sign, *scale, digits)).unwrap();
            assert_eq!(&got, text);
        }
        assert!(numeric_text(&[0, 1]).is_err(), "truncated");
    }

    #[test]
    fn tables_align_and_count() {
        let rows = vec![
            AnyRow(vec![("a".into(), Some("1".into())), ("bb".into(), None)]),
            AnyRow(vec![
                ("a".into(), Some("100".into())),
                ("bb".into(), Some("x".into())),
            ]),
        ];
        assert_eq!(
            table(&rows),
            "a   | bb\n----+-----\n1   | NULL\n100 | x\n(2 rows)\n"
        );
        assert_eq!(table(&[]), "(0 rows)\n");
    }
}
