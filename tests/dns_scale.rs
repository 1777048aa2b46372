//! Scale target of the DNS family: a plan over 500 records of one domain reads the domain's
//! record list once, paged, instead of 500 GETs: at most ⌈500 / page⌉ + 2 API requests, counted
//! by the sandbox (`/_sandbox/requests`).

mod common;

use common::*;

const RECORDS: usize = 500;

#[test]
fn dns_plan_over_500_records_reads_one_paged_list() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Scale DNS", "BE0666666666");
    let domain = sb.create_domain(org, "scale");
    let tf = Tf::new("dns-scale", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_record" "r" {{
  count     = {RECORDS}
  domain_id = "{domain}"
  type      = "A"
  name      = "host${{count.index}}"
  content   = "10.0.${{floor(count.index / 256)}}.${{count.index % 256}}"
}}
"#,
        header = header()
    ));
    tf.apply()
        .assert_contains(&format!("{RECORDS} added, 0 changed, 0 destroyed"));

    sb.reset_counters();
    tf.assert_plan_empty("over 500 records");
    let counts = sb.api_request_counts();
    let total: u64 = counts.values().sum();
    let page = level27_client::PAGE_SIZE as u64;
    let bound = (RECORDS as u64).div_ceil(page) + 2;
    assert!(
        total <= bound,
        "a plan over {RECORDS} records made {total} API requests (at most {bound} allowed): {counts:?}"
    );
    eprintln!("a plan over {RECORDS} records: {total} API requests: {counts:?}");
    let list = counts.get("GET /v1/domains/{domainId}/records").copied().unwrap_or(0);
    assert!(
        list as usize >= RECORDS.div_ceil(level27_client::PAGE_SIZE),
        "the records came from the paged list: {counts:?}"
    );
    assert!(
        !counts.contains_key("GET /v1/domains/{domainId}/records/{recordId}"),
        "no record was read on its own: {counts:?}"
    );
}
