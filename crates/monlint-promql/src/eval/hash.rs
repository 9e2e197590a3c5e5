//! Prometheus' label-set hash (`labels.Labels.Hash`), which `limit_ratio`
//! samples by: xxHash64 over the label bytes.

use super::Labels;

const PRIME_1: u64 = 0x9E37_79B1_85EB_CA87;
const PRIME_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const PRIME_3: u64 = 0x1656_67B1_9E37_79F9;
const PRIME_4: u64 = 0x85EB_CA77_C2B2_AE63;
const PRIME_5: u64 = 0x27D4_EB2F_1656_67C5;

fn round(accumulator: u64, lane: u64) -> u64 {
    accumulator
        .wrapping_add(lane.wrapping_mul(PRIME_2))
        .rotate_left(31)
        .wrapping_mul(PRIME_1)
}

fn merge_round(hash: u64, accumulator: u64) -> u64 {
    (hash ^ round(0, accumulator))
        .wrapping_mul(PRIME_1)
        .wrapping_add(PRIME_4)
}

fn read_u64(bytes: &[u8]) -> u64 {
    let mut lane = [0u8; 8];
    lane.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(lane)
}

fn read_u32(bytes: &[u8]) -> u64 {
    let mut lane = [0u8; 4];
    lane.copy_from_slice(&bytes[..4]);
    u64::from(u32::from_le_bytes(lane))
}

/// xxHash64 with seed 0.
pub(crate) fn xxhash64(input: &[u8]) -> u64 {
    let mut rest = input;
    let mut hash = if input.len() >= 32 {
        let mut v = [
            PRIME_1.wrapping_add(PRIME_2),
            PRIME_2,
            0,
            0u64.wrapping_sub(PRIME_1),
        ];
        while rest.len() >= 32 {
            for (index, accumulator) in v.iter_mut().enumerate() {
                *accumulator = round(*accumulator, read_u64(&rest[index * 8..]));
            }
            rest = &rest[32..];
        }
        let mut hash = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for accumulator in v {
            hash = merge_round(hash, accumulator);
        }
        hash
    } else {
        PRIME_5
    };
    hash = hash.wrapping_add(input.len() as u64);
    while rest.len() >= 8 {
        hash ^= round(0, read_u64(rest));
        hash = hash
            .rotate_left(27)
            .wrapping_mul(PRIME_1)
            .wrapping_add(PRIME_4);
        rest = &rest[8..];
    }
    if rest.len() >= 4 {
        hash ^= read_u32(rest).wrapping_mul(PRIME_1);
        hash = hash
            .rotate_left(23)
            .wrapping_mul(PRIME_2)
            .wrapping_add(PRIME_3);
        rest = &rest[4..];
    }
    for &byte in rest {
        hash ^= u64::from(byte).wrapping_mul(PRIME_5);
        hash = hash.rotate_left(11).wrapping_mul(PRIME_1);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(PRIME_2);
    hash ^= hash >> 29;
    hash = hash.wrapping_mul(PRIME_3);
    hash ^ (hash >> 32)
}

/// The hash Prometheus computes for a label set. 3.x builds use the
/// "stringlabels" layout (length-prefixed names and values); 2.x used
/// `name 0xff value 0xff` pairs.
pub(crate) fn labels_hash(labels: &Labels, string_labels: bool) -> u64 {
    let mut bytes = Vec::new();
    for (name, value) in labels.iter() {
        for text in [name, value] {
            if string_labels {
                let length = text.len();
                if length < 255 {
                    bytes.push(length as u8);
                } else {
                    bytes.push(255);
                    bytes.extend_from_slice(&(length as u32).to_le_bytes()[..3]);
                }
                bytes.extend_from_slice(text.as_bytes());
            } else {
                bytes.extend_from_slice(text.as_bytes());
                bytes.push(0xff);
            }
        }
    }
    xxhash64(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_xxhash64_values() {
        assert_eq!(xxhash64(b""), 0xEF46_DB37_51D8_E999);
        assert_eq!(xxhash64(b"abc"), 0x44BC_2CF5_AD77_0999);
        // Long enough for the 32-byte stripe loop.
        assert_eq!(
            xxhash64(b"Nobody inspects the spammish repetition"),
            0xFBCE_A83C_8A37_8BF1
        );
    }
}
