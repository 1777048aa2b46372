//! `data "level27_vm"`: one virtual machine by `id` or exact `name` (systems of type `kvmguest`).

use crate::framework::DataSource;
use crate::resources::system;

pub fn data_source() -> DataSource {
    // Seed L32483: list items lack fields the item has (`customerFqdn`): a match by name is
    // read with its own GET.
    DataSource::from_resource(
        system::vm(),
        "Looks up a Level27 virtual machine by `id` or by its exact `name`.",
        &["name"],
    )
    .get_matched_item()
}
