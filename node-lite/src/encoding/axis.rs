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
}

impl EncodingAxis for Secondary {
    type Orthogonal = Primary;
    const IS_PRIMARY: bool = false;
    const NAME: &'static str = "secondary";
}
