//! The `floe sim` chart, drawn with `plotters`: a PNG (bitmap backend, text in the bundled
//! DejaVu Sans subset, so it looks the same on every machine) and the same chart as SVG.
//!
//! One panel, time in epochs across and a logarithmic scale up: WAL/USD and the USD a builder
//! pays per MiB-epoch under Floe's rule, under a fixed FROST price and under Walrus's rule, and
//! Floe's USD target, each divided by its starting value (WAL/USD by `WAL_0`, prices by the
//! initial USD target), so every line starts at 1×. The fixed-FROST line coincides with
//! WAL/USD, which is drawn dashed over it.

use std::path::Path;
use std::sync::Once;

use anyhow::{anyhow, Context};
use floe_economics::sim::SimOutput;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

/// Size of both charts, pixels.
pub const SIZE: (u32, u32) = (1200, 675);

/// The font family the chart's text is drawn in.
const FONT: &str = "sans-serif";

/// DejaVu Sans, printable ASCII only (see `assets/FONT-LICENSE.txt`).
static FONT_DATA: &[u8] = include_bytes!("../../assets/dejavu-sans-ascii.ttf");

/// The series colours, in legend order.
pub const WAL_USD: RGBColor = RGBColor(110, 110, 110);
/// Floe: what a builder pays.
pub const FLOE_PAID: RGBColor = RGBColor(31, 94, 200);
/// Floe: the USD target after the stability guard.
pub const FLOE_TARGET: RGBColor = RGBColor(200, 30, 30);
/// A fixed FROST price.
pub const FIXED_FROST: RGBColor = RGBColor(230, 120, 20);
/// Walrus's old rule (FROST votes retargeted once per epoch).
pub const WALRUS: RGBColor = RGBColor(40, 160, 70);
/// Walrus's shipped rule (per-node monitors, threshold, quorum recomputed on each vote).
pub const WALRUS_SHIPPED: RGBColor = RGBColor(150, 60, 170);

/// Most points drawn per line (a run has up to hundreds of thousands of steps; the chart keeps
/// every `n`-th).
const MAX_POINTS: usize = 6000;

fn register_bundled_font() -> anyhow::Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = register_font(FONT, FontStyle::Normal, FONT_DATA)
            .map_err(|_| anyhow!("the bundled chart font does not load"));
    });
    result
}

/// Writes the chart as a PNG to `png` and as an SVG to `svg`.
pub fn write_charts(out: &SimOutput, title: &str, png: &Path, svg: &Path) -> anyhow::Result<()> {
    register_bundled_font()?;
    {
        let root = BitMapBackend::new(png, SIZE).into_drawing_area();
        draw(&root, out, title)
            .and_then(|()| root.present())
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("writing {}", png.display()))?;
    }
    let root = SVGBackend::new(svg, SIZE).into_drawing_area();
    draw(&root, out, title)
        .and_then(|()| root.present())
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("writing {}", svg.display()))
}

/// One line of the chart: its legend name, colour and `(epoch, value)` points.
type Series = (&'static str, RGBColor, Vec<(f64, f64)>);

/// The six series, each normalised to its starting value.
fn series(out: &SimOutput) -> [Series; 6] {
    let per_epoch = (out.samples.len() / out.rows.len().max(1)).max(1) as f64;
    let target0 = out
        .samples
        .first()
        .map_or(1.0, |s| s.usd_price as f64)
        .max(1e-9);
    let wal0 = out.wal0.max(1e-12);
    let every = out.samples.len().div_ceil(MAX_POINTS).max(1);
    let points = |f: &dyn Fn(&floe_economics::sim::Sample) -> f64| -> Vec<(f64, f64)> {
        out.samples
            .iter()
            .enumerate()
            .step_by(every)
            .map(|(i, s)| (i as f64 / per_epoch, f(s)))
            .filter(|(_, v)| v.is_finite() && *v > 0.0)
            .collect()
    };
    [
        (
            "fixed FROST price (= WAL/USD)",
            FIXED_FROST,
            points(&|s| s.fixed_usd_paid / target0),
        ),
        ("WAL/USD", WAL_USD, points(&|s| s.wal_usd / wal0)),
        (
            "Walrus, votes per epoch: USD paid",
            WALRUS,
            points(&|s| s.walrus_usd_paid / target0),
        ),
        (
            "Walrus, shipped rule: USD paid",
            WALRUS_SHIPPED,
            points(&|s| s.walrus_shipped_usd_paid / target0),
        ),
        (
            "Floe: USD target",
            FLOE_TARGET,
            points(&|s| s.usd_price as f64 / target0),
        ),
        (
            "Floe: USD paid",
            FLOE_PAID,
            points(&|s| s.usd_paid / target0),
        ),
    ]
}

/// The values `1, 2, 5 × 10^k` within `[lo, hi]`: the y axis' labels.
fn one_two_five(lo: f64, hi: f64) -> Vec<f64> {
    let mut points = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi {
        for m in [1.0, 2.0, 5.0] {
            let v = decade * m;
            if (lo..=hi).contains(&v) {
                points.push(v);
            }
        }
        decade *= 10.0;
    }
    points
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    out: &SimOutput,
    title: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let series = series(out);
    let (mut lo, mut hi) = (0.5f64, 2.0f64);
    for (_, _, points) in &series {
        for (_, v) in points {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
    }
    let epochs = out.rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 26))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(
            0f64..epochs,
            (lo * 0.9..hi * 1.1)
                .log_scale()
                .with_key_points(one_two_five(lo * 0.9, hi * 1.1)),
        )?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("USD per MiB-epoch (or WAL/USD), × its start value (log scale)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            if *y >= 1.0 {
                format!("{y:.0}×")
            } else {
                format!("{y}×")
            }
        })
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()?;
    for (name, color, points) in series {
        let width = if color == FLOE_PAID { 3 } else { 2 };
        let style = color.stroke_width(width);
        let legend = move |(x, y): (i32, i32)| {
            PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
        };
        if color == WAL_USD {
            // Dashed: the fixed-FROST line (drawn before it) lies right under it.
            chart
                .draw_series(DashedLineSeries::new(points, 8, 6, style))?
                .label(name)
                .legend(legend);
        } else {
            chart
                .draw_series(LineSeries::new(points, style))?
                .label(name)
                .legend(legend);
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
