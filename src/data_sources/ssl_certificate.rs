//! `data "level27_ssl_certificate"`: Looks up an SSL certificate of an app by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::ssl_certificate;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        ssl_certificate::spec(),
        "Looks up an SSL certificate of an app by `id` or by its exact `name`.",
        &["name"],
    )
}
