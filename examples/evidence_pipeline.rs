//! Baseline for benches/evidence.sh: how many 12-megapixel photos per second the evidence
//! pipeline alone (sniff, decode, strip, re-encode, hash) handles on all cores, with no HTTP
//! and no database. Writes the test photo first if it is missing.
//!
//! `cargo run --release --example evidence_pipeline -- <photo.jpg> [seconds]`

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fakewatch::evidence::process::{Limits, process};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "target/bench/photo-12mp.jpg".into());
    let seconds: u64 = args.next().map_or(Ok(15), |s| s.parse())?;
    let path = std::path::PathBuf::from(path);
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, camera_like_jpeg(4000, 3000)?)?;
    }
    let photo = std::fs::read(&path)?;
    let limits = Limits::default();
    // One warm-up run, which also proves the photo is accepted.
    let out = process(&photo, &limits)?;
    println!(
        "photo: {} ({:.2} MB, {}x{}) -> re-encoded {:.2} MB",
        path.display(),
        photo.len() as f64 / 1e6,
        out.width.unwrap_or(0),
        out.height.unwrap_or(0),
        out.bytes.len() as f64 / 1e6
    );

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let done = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while Instant::now() < deadline {
                    if process(&photo, &limits).is_ok() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!("pipeline_photos_per_sec {rate:.2} ({threads} threads)");
    Ok(())
}

/// A 12-megapixel JPEG with the texture of a photo (smooth light, edges, sensor noise),
/// so that it compresses to about 2 MB like a phone camera's, not to a few kilobytes.
fn camera_like_jpeg(width: u16, height: u16) -> Result<Vec<u8>, jpeg_encoder::EncodingError> {
    let (w, h) = (usize::from(width), usize::from(height));
    let mut pixels = vec![0u8; w * h * 3];
    let mut seed: u32 = 0x9E37_79B9;
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let noise = (seed % 9) as f32 - 4.0;
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let stripes = if ((x / 150) + (y / 110)) % 2 == 0 {
                30.0
            } else {
                0.0
            };
            let base = 90.0 + 80.0 * fx + 40.0 * (fy * 9.0).sin() + stripes;
            let i = (y * w + x) * 3;
            pixels[i] = (base + noise).clamp(0.0, 255.0) as u8;
            pixels[i + 1] = (base * 0.8 + 30.0 * fy + noise).clamp(0.0, 255.0) as u8;
            pixels[i + 2] = (base * 0.6 + 50.0 * (fx * 7.0).cos() + noise).clamp(0.0, 255.0) as u8;
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 92).encode(
        &pixels,
        width,
        height,
        jpeg_encoder::ColorType::Rgb,
    )?;
    Ok(out)
}
