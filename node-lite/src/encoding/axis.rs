//! The two encoding axes, as marker types, so primary and secondary data cannot be mixed up.

use std::fmt::Debug;

mod sealed {
    pub trait Sealed {}
}

/// One of the two axes of the Red Stuff matrix.
pub trait EncodingAxis:
    sealed::Sealed + Clone + Copy + Debug + PartialEq + Eq + Send + Sync + 'static
{
    /// The other axis.
    type Orthogonal: EncodingAxis<Orthogonal = Self>;
    /// `true` for [`Primary`].
    const IS_PRIMARY: bool;
    /// `"primary"` or `"secondary"`, as in the storage node's REST paths.
    const NAME: &'static str;
    /// The axis as a value.
    const AXIS: Axis;
}

/// One of the two axes as a value, for code that picks the axis at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Axis {
    /// Rows of the matrix.
    Primary,
    /// Columns of the matrix.
    Secondary,
}

impl Axis {
    /// `"primary"` or `"secondary"`.
    pub fn name(self) -> &'static str {
        match self {
            Axis::Primary => Primary::NAME,
            Axis::Secondary => Secondary::NAME,
        }
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The primary axis: primary slivers are rows of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Primary;

/// The secondary axis: secondary slivers are columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Secondary;

impl sealed::Sealed for Primary {}
impl sealed::Sealed for Secondary {}

impl EncodingAxis for Primary {
    type Orthogonal = Secondary;
    const IS_PRIMARY: bool = true;
    const NAME: &'static str = "primary";
    const AXIS: Axis = Axis::Primary;
}

impl EncodingAxis for Secondary {
    type Orthogonal = Primary;
    const IS_PRIMARY: bool = false;
    const NAME: &'static str = "secondary";
    const AXIS: Axis = Axis::Secondary;
}
