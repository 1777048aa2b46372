//! The countries the sandbox knows, by ISO 3166-1 alpha-2 code.
//!
//! Seed: bodies take `country` as a "Country id" string and responses return
//! `{"id": "BE", "name": "Belgium"}`; the list of countries itself is not in the seed. This table
//! covers the EU, the rest of Europe and the usual trading partners, enough for offline tests.

use crate::entity::Named;

const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AR", "Argentina"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BE", "Belgium"),
    ("BG", "Bulgaria"),
    ("BR", "Brazil"),
    ("BY", "Belarus"),
    ("CA", "Canada"),
    ("CH", "Switzerland"),
    ("CL", "Chile"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CW", "Curaçao"),
    ("CY", "Cyprus"),
    ("CZ", "Czech Republic"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("DZ", "Algeria"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("ES", "Spain"),
    ("FI", "Finland"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("GE", "Georgia"),
    ("GI", "Gibraltar"),
    ("GR", "Greece"),
    ("HK", "Hong Kong"),
    ("HR", "Croatia"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IN", "India"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JP", "Japan"),
    ("KR", "South Korea"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MK", "North Macedonia"),
    ("MT", "Malta"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("NG", "Nigeria"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NZ", "New Zealand"),
    ("PH", "Philippines"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("SA", "Saudi Arabia"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SI", "Slovenia"),
    ("SK", "Slovakia"),
    ("SM", "San Marino"),
    ("SR", "Suriname"),
    ("TH", "Thailand"),
    ("TN", "Tunisia"),
    ("TR", "Turkey"),
    ("TW", "Taiwan"),
    ("UA", "Ukraine"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VN", "Vietnam"),
    ("ZA", "South Africa"),
];

/// The English name of a country code; `None` for unknown codes. Codes are upper case, as the
/// API returns them; lower case is not accepted.
/// Countries as a form type: `country` takes the code and answers `{"id": "BE", "name": "Belgium"}`.
pub(crate) static COUNTRY: Named = Named {
    entries: COUNTRIES,
    label: "name",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn name(code: &str) -> Option<&'static str> {
        COUNTRY.name(code)
    }

    #[test]
    fn table_is_sorted_and_covers_the_eu() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        let eu = [
            "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
            "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        ];
        assert!(eu.iter().all(|c| name(c).is_some()));
        assert_eq!(name("BE"), Some("Belgium"));
        assert_eq!(name("be"), None);
        assert_eq!(name("XX"), None);
    }
}
