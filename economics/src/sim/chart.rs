//! A PNG chart of a simulation, drawn and encoded without dependencies.
//!
//! One panel, time in epochs across, a logarithmic scale up: WAL/USD and the USD a builder
//! pays per MiB-epoch under Floe's rule, a fixed FROST price and Walrus's rule, each divided
//! by its starting value (WAL/USD by `WAL_0`, prices by the initial USD target), so all lines
//! start at 1 (the fixed-FROST line coincides with WAL/USD, which is drawn dotted over it).
//! The encoder writes an 8-bit palette PNG with stored (uncompressed) deflate
//! blocks.

use super::SimOutput;

const W: usize = 960;
const H: usize = 540;
const LEFT: usize = 70;
const RIGHT: usize = 20;
const TOP: usize = 50;
const BOTTOM: usize = 50;

/// Palette: index → RGB.
const PALETTE: [[u8; 3]; 8] = [
    [255, 255, 255], // 0 background
    [0, 0, 0],       // 1 axes and text
    [225, 225, 225], // 2 grid
    [150, 150, 150], // 3 WAL/USD
    [31, 94, 200],   // 4 Floe
    [230, 120, 20],  // 5 fixed FROST
    [40, 160, 70],   // 6 Walrus rule
    [200, 30, 30],   // 7 Floe USD target
];

struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: i64, y: i64, c: u8) {
        if x >= 0 && y >= 0 && (x as usize) < W && (y as usize) < H {
            self.px[y as usize * W + x as usize] = c;
        }
    }

    fn line(&mut self, x0: i64, y0: i64, x1: i64, y1: i64, c: u8, thick: bool) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err) = (x0, y0, dx + dy);
        loop {
            self.set(x, y, c);
            if thick {
                self.set(x, y + 1, c);
                self.set(x + 1, y, c);
            }
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: u8) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }

    fn text(&mut self, x: i64, y: i64, s: &str, c: u8) {
        let mut cx = x;
        for ch in s.chars() {
            let g = glyph(ch.to_ascii_uppercase());
            for (row, bits) in g.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0x10 >> col) != 0 {
                        self.set(cx + col, y + row as i64, c);
                    }
                }
            }
            cx += 6;
        }
    }
}

fn glyph(c: char) -> [u8; 7] {
    match c {
        '0' => [14, 17, 19, 21, 25, 17, 14],
        '1' => [4, 12, 4, 4, 4, 4, 14],
        '2' => [14, 17, 1, 2, 4, 8, 31],
        '3' => [31, 2, 4, 2, 1, 17, 14],
        '4' => [2, 6, 10, 18, 31, 2, 2],
        '5' => [31, 16, 30, 1, 1, 17, 14],
        '6' => [6, 8, 16, 30, 17, 17, 14],
        '7' => [31, 1, 2, 4, 8, 8, 8],
        '8' => [14, 17, 17, 14, 17, 17, 14],
        '9' => [14, 17, 17, 15, 1, 2, 12],
        'A' => [14, 17, 17, 31, 17, 17, 17],
        'B' => [30, 17, 17, 30, 17, 17, 30],
        'C' => [14, 17, 16, 16, 16, 17, 14],
        'D' => [28, 18, 17, 17, 17, 18, 28],
        'E' => [31, 16, 16, 30, 16, 16, 31],
        'F' => [31, 16, 16, 30, 16, 16, 16],
        'G' => [14, 17, 16, 23, 17, 17, 15],
        'H' => [17, 17, 17, 31, 17, 17, 17],
        'I' => [14, 4, 4, 4, 4, 4, 14],
        'J' => [7, 2, 2, 2, 2, 18, 12],
        'K' => [17, 18, 20, 24, 20, 18, 17],
        'L' => [16, 16, 16, 16, 16, 16, 31],
        'M' => [17, 27, 21, 21, 17, 17, 17],
        'N' => [17, 17, 25, 21, 19, 17, 17],
        'O' => [14, 17, 17, 17, 17, 17, 14],
        'P' => [30, 17, 17, 30, 16, 16, 16],
        'Q' => [14, 17, 17, 17, 21, 18, 13],
        'R' => [30, 17, 17, 30, 20, 18, 17],
        'S' => [15, 16, 16, 14, 1, 1, 30],
        'T' => [31, 4, 4, 4, 4, 4, 4],
        'U' => [17, 17, 17, 17, 17, 17, 14],
        'V' => [17, 17, 17, 17, 17, 10, 4],
        'W' => [17, 17, 17, 21, 21, 21, 10],
        'X' => [17, 17, 10, 4, 10, 17, 17],
        'Y' => [17, 17, 17, 10, 4, 4, 4],
        'Z' => [31, 1, 2, 4, 8, 16, 31],
        '/' => [1, 1, 2, 4, 8, 16, 16],
        '.' => [0, 0, 0, 0, 0, 12, 12],
        ',' => [0, 0, 0, 0, 12, 4, 8],
        '-' => [0, 0, 0, 31, 0, 0, 0],
        '(' => [2, 4, 8, 8, 8, 4, 2],
        ')' => [8, 4, 2, 2, 2, 4, 8],
        ':' => [0, 12, 12, 0, 12, 12, 0],
        '%' => [24, 25, 2, 4, 8, 19, 3],
        '=' => [0, 0, 31, 0, 31, 0, 0],
        '+' => [0, 4, 4, 31, 4, 4, 0],
        _ => [0; 7],
    }
}

/// Renders the chart of a run as PNG bytes.
pub fn render_png(out: &SimOutput, title: &str) -> Vec<u8> {
    let mut c = Canvas {
        px: vec![0u8; W * H],
    };
    let n = out.samples.len().max(1);
    let target0 = out
        .samples
        .first()
        .map_or(1.0, |s| s.usd_price as f64)
        .max(1e-9);
    let series: [(u8, Vec<f64>); 5] = [
        (
            5,
            out.samples
                .iter()
                .map(|s| s.fixed_usd_paid / target0)
                .collect(),
        ),
        (
            3,
            out.samples.iter().map(|s| s.wal_usd / out.wal0).collect(),
        ),
        (
            6,
            out.samples
                .iter()
                .map(|s| s.walrus_usd_paid / target0)
                .collect(),
        ),
        (
            7,
            out.samples
                .iter()
                .map(|s| s.usd_price as f64 / target0)
                .collect(),
        ),
        (
            4,
            out.samples.iter().map(|s| s.usd_paid / target0).collect(),
        ),
    ];
    let (mut lo, mut hi) = (0.5f64, 2.0f64);
    for (_, v) in &series {
        for x in v.iter().filter(|x| x.is_finite() && **x > 0.0) {
            lo = lo.min(*x);
            hi = hi.max(*x);
        }
    }
    let (llo, lhi) = (lo.ln() - 0.05, hi.ln() + 0.05);
    let pw = (W - LEFT - RIGHT) as f64;
    let ph = (H - TOP - BOTTOM) as f64;
    let xpix = |i: usize| LEFT as i64 + (i as f64 / (n.max(2) - 1) as f64 * pw).round() as i64;
    let ypix = |v: f64| TOP as i64 + ((lhi - v.max(1e-12).ln()) / (lhi - llo) * ph).round() as i64;

    // Grid and y labels at 1-2-5 steps.
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    while decade <= hi * 10.0 {
        for m in [1.0, 2.0, 5.0] {
            let v = decade * m;
            if v >= lo.min(1.0) * 0.999 && v <= hi * 1.001 {
                let y = ypix(v);
                c.line(LEFT as i64, y, (W - RIGHT) as i64, y, 2, false);
                let label = if v >= 1.0 {
                    format!("{v:.0}X")
                } else {
                    format!("{v}X")
                };
                c.text(8, y - 3, &label, 1);
            }
        }
        decade *= 10.0;
    }
    // X ticks every 13 epochs.
    let spe = (out.samples.len() / out.rows.len().max(1)).max(1);
    for e in (0..=out.rows.len()).step_by(13) {
        let x = xpix((e * spe).min(n - 1));
        c.line(x, TOP as i64, x, (H - BOTTOM) as i64, 2, false);
        c.text(x - 6, (H - BOTTOM + 8) as i64, &e.to_string(), 1);
    }
    c.text((W / 2 - 20) as i64, (H - 20) as i64, "EPOCH", 1);
    // Axes.
    c.line(
        LEFT as i64,
        TOP as i64,
        LEFT as i64,
        (H - BOTTOM) as i64,
        1,
        false,
    );
    c.line(
        LEFT as i64,
        (H - BOTTOM) as i64,
        (W - RIGHT) as i64,
        (H - BOTTOM) as i64,
        1,
        false,
    );
    // Lines.
    for (col, v) in &series {
        for i in 1..v.len() {
            // WAL/USD is dotted: the fixed-FROST line (drawn first) lies right under it.
            if *col == 3 && (i / 4) % 2 == 1 {
                continue;
            }
            c.line(
                xpix(i - 1),
                ypix(v[i - 1]),
                xpix(i),
                ypix(v[i]),
                *col,
                *col == 4,
            );
        }
    }
    // Title and legend.
    c.text(LEFT as i64, 12, title, 1);
    let legend = [
        (3, "WAL/USD"),
        (4, "FLOE: USD PAID"),
        (7, "FLOE: USD TARGET"),
        (5, "FIXED FROST PRICE (= WAL/USD)"),
        (6, "WALRUS RULE"),
    ];
    let mut lx = LEFT as i64;
    for (col, name) in legend {
        c.rect(lx, 30, 10, 7, col);
        c.text(lx + 14, 30, name, 1);
        lx += 14 + 6 * name.len() as i64 + 20;
    }
    encode_png(&c.px)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= *b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for x in chunk {
            a += *x as u32;
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// Encodes `W × H` palette indices as a PNG.
fn encode_png(px: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(H * (W + 1));
    for row in px.chunks(W) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        z.extend_from_slice(&(b.len() as u16).to_le_bytes());
        z.extend_from_slice(&(!(b.len() as u16)).to_le_bytes());
        z.extend_from_slice(b);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(W as u32).to_be_bytes());
    ihdr.extend_from_slice(&(H as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &PALETTE.concat());
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
