//! Floats as JavaScript writes them.

/// Formats a finite, non-zero float as JavaScript's `Number.prototype.toString`
/// does, onto `out` (`1e+21`: the form encoder percent-encodes the `+` with the
/// rest of the value).
///
/// The digits come from Ryu: the shortest that round-trip, the closest of those to
/// the exact value, ties to even, which is what ECMA-262 asks for. (Rust's own
/// `{}`/`{:e}` break exact ties upwards: `2197166754827450.25` would end in `.3`
/// where JavaScript writes `.2`.) Ryu lays them out in its own way, so they are
/// taken apart and laid out again by JavaScript's rules.
pub(super) fn push_js_number<F: ryu::Float>(out: &mut String, value: F) {
    let mut ryu = ryu::Buffer::new();
    let s = ryu.format_finite(value).as_bytes();
    let (negative, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let e_at = s.iter().position(|&b| b == b'e').unwrap_or(s.len());
    let (mantissa, exponent) = (&s[..e_at], s.get(e_at + 1..).unwrap_or_default());
    let exponent: i32 = std::str::from_utf8(exponent).ok().and_then(|e| e.parse().ok()).unwrap_or(0);

    // Ryu writes at most 17 significant digits; with the zeros of its plain layout
    // (`0.0001`, `1e16` as `10000000000000000.0`) the mantissa stays well below 32.
    let mut digits = [0u8; 32];
    let mut k = 0;
    // In the terms of ECMA-262 Number::toString: value = 0.digits * 10^n.
    let mut n = exponent;
    let mut seen_point = false;
    for &b in mantissa {
        match b {
            b'.' => seen_point = true,
            // A leading zero: after the point it moves the value one place down.
            b'0' if k == 0 && seen_point => n -= 1,
            b'0' if k == 0 => {}
            b'0'..=b'9' if k < digits.len() => {
                digits[k] = b;
                k += 1;
                if !seen_point {
                    n += 1;
                }
            }
            _ => {}
        }
    }
    while k > 1 && digits[k - 1] == b'0' {
        k -= 1;
    }
    let digits = &digits[..k];
    let k = k as i32;

    if negative {
        out.push('-');
    }
    let push_digits = |out: &mut String, d: &[u8]| {
        for &b in d {
            out.push(char::from(b));
        }
    };
    if k <= n && n <= 21 {
        // An integer: the digits, then n - k zeros.
        push_digits(out, digits);
        for _ in k..n {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        // The point falls among the digits.
        push_digits(out, &digits[..n as usize]);
        out.push('.');
        push_digits(out, &digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        // 0.000ddd
        out.push_str("0.");
        for _ in n..0 {
            out.push('0');
        }
        push_digits(out, digits);
    } else {
        // Exponent form: d[.ddd]e+x or d[.ddd]e-x.
        push_digits(out, &digits[..1]);
        if k > 1 {
            out.push('.');
            push_digits(out, &digits[1..]);
        }
        out.push('e');
        let e = n - 1;
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(itoa::Buffer::new().format(e.unsigned_abs()));
    }
}
