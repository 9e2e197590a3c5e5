//! The ways a dashboard is written: classic with rows and library panels, Kubernetes
//! `spec` wrapping, the v2 schema, and JSON inside a ConfigMap, each with positions that
//! point into the file.

use monlint_core::{kubernetes, yaml};
use monlint_grafana::{Dashboard, Flavor, QueryLanguage, load};
use monlint_promql::ParseOptions;

fn load_text(text: &str) -> Vec<Dashboard> {
    let (documents, error) = yaml::parse_stream(text, &yaml::Limits::default());
    assert!(error.is_none(), "{error:?}");
    let (dashboards, problems) = load(
        text,
        &kubernetes::objects(&documents),
        &ParseOptions::default(),
    );
    assert!(problems.is_empty(), "{problems:?}");
    dashboards
}

#[test]
fn classic_rows_collapsed_rows_and_library_panels() {
    let text = r#"{
  "title": "t", "uid": "u",
  "__elements": {"lib1": {"model": {"type": "timeseries", "targets": [{"refId": "A", "expr": "up"}]}}},
  "panels": [
    {"id": 1, "type": "row", "collapsed": true, "panels": [
      {"id": 2, "type": "stat", "targets": [{"refId": "A", "expr": "sum(up)"}]}
    ]},
    {"id": 3, "libraryPanel": {"uid": "lib1", "name": "Lib"}},
    {"id": 4, "libraryPanel": {"uid": "elsewhere", "name": "Other"}}
  ]
}"#;
    let dashboards = load_text(text);
    let panels = &dashboards[0].panels;
    let kinds: Vec<&str> = panels.iter().map(|p| p.kind()).collect();
    assert_eq!(kinds, ["row", "stat", "timeseries", ""]);
    assert!(panels[1].in_row);
    assert!(panels[2].library_panel_resolved);
    assert!(!panels[3].library_panel_resolved);
    assert_eq!(dashboards[0].queries().count(), 2);
}

#[test]
fn old_rows_hold_their_panels() {
    let text = r#"{"title": "t", "schemaVersion": 14, "rows": [
      {"title": "r", "panels": [{"id": 1, "type": "graph", "targets": [{"expr": "up"}]}]}
    ]}"#;
    let dashboards = load_text(text);
    assert_eq!(dashboards[0].panels.len(), 1);
    assert_eq!(dashboards[0].panels[0].kind(), "graph");
}

#[test]
fn kubernetes_classic_spec_takes_its_uid_from_the_name() {
    let text = r#"{"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
      "metadata": {"name": "shop"},
      "spec": {"title": "Shop", "panels": [{"id": 1, "type": "stat", "targets": [{"expr": "up"}]}]}}"#;
    let dashboards = load_text(text);
    assert_eq!(dashboards[0].flavor, Flavor::KubernetesClassic);
    assert_eq!(dashboards[0].uid.as_ref().unwrap().value, "shop");
    assert_eq!(dashboards[0].panels.len(), 1);
}

#[test]
fn v2_elements_and_variables() {
    let text = r#"apiVersion: dashboard.grafana.app/v2beta1
kind: Dashboard
metadata:
  name: shop
spec:
  title: Shop
  variables:
    - kind: QueryVariable
      spec:
        name: job
        multi: true
        refresh: onDashboardLoad
        query:
          kind: DataQuery
          group: prometheus
          spec:
            query: label_values(up, job)
  elements:
    panel-1:
      kind: Panel
      spec:
        id: 1
        title: Requests
        data:
          kind: QueryGroup
          spec:
            queries:
              - kind: PanelQuery
                spec:
                  refId: A
                  query:
                    kind: DataQuery
                    group: prometheus
                    spec:
                      expr: sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))
              - kind: PanelQuery
                spec:
                  refId: B
                  query:
                    kind: DataQuery
                    group: loki
                    spec:
                      expr: '{job="shop"} |= "error"'
        vizConfig:
          kind: VizConfig
          group: timeseries
          spec:
            fieldConfig:
              defaults:
                unit: reqps
"#;
    let dashboards = load_text(text);
    let dashboard = &dashboards[0];
    assert_eq!(dashboard.flavor, Flavor::V2);
    let variable = dashboard.variable("job").unwrap();
    assert_eq!(variable.kind, "query");
    assert!(variable.multi);
    assert_eq!(variable.refresh.unwrap().value, 1.0);
    assert!(variable.query.as_ref().unwrap().parsed.is_ok());
    let panel = &dashboard.panels[0];
    assert_eq!(panel.kind(), "timeseries");
    assert_eq!(panel.unit.as_ref().unwrap().value, "reqps");
    assert_eq!(panel.targets[0].language, QueryLanguage::Promql);
    assert!(panel.targets[0].query.as_ref().unwrap().parsed.is_ok());
    assert_eq!(panel.targets[1].language, QueryLanguage::Other);
    assert!(panel.targets[1].query.is_none());
}

#[test]
fn configmap_positions_point_into_the_yaml_file() {
    let text = "kind: ConfigMap\ndata:\n  a.json: |\n    {\"title\": \"t\", \"panels\": [\n      {\"type\": \"stat\", \"targets\": [{\"expr\": \"rate(x[$__rate_interval])\"}]}\n    ]}\n  b.json: \"{\\\"title\\\": \\\"u\\\", \\\"panels\\\": [{\\\"targets\\\": [{\\\"expr\\\": \\\"up\\\"}]}]}\"\n";
    let dashboards = load_text(text);
    assert_eq!(dashboards.len(), 2);
    let query = dashboards[0].queries().next().unwrap();
    // `x` inside the expanded query maps to the `x` on line 5 of the YAML file.
    let x = query.expansion.text.find('x').unwrap() as u32;
    let span = query.file_span(text, monlint_core::Span::new(x, x + 1));
    assert_eq!(&text[span.range()], "x");
    let window = query.expansion.text.find("5m").unwrap() as u32;
    let span = query.file_span(text, monlint_core::Span::new(window, window + 2));
    assert_eq!(&text[span.range()], "$__rate_interval");
    // In a double-quoted YAML string, escapes are mapped too.
    let query = dashboards[1].queries().next().unwrap();
    let span = query.file_span(text, monlint_core::Span::new(0, 2));
    assert_eq!(&text[span.range()], "up");
    assert_eq!(
        &text[dashboards[1].title.as_ref().unwrap().span.range()],
        "\\\"u\\\""
    );
}

#[test]
fn configmaps_in_a_kubernetes_list() {
    let text = "apiVersion: v1\nkind: ConfigMapList\nitems:\n- kind: ConfigMap\n  data:\n    a.json: |\n      {\"title\": \"a\", \"panels\": [{\"targets\": [{\"expr\": \"up\"}]}]}\n- kind: ConfigMap\n  data:\n    b.json: |\n      {\"title\": \"b\", \"panels\": [{\"targets\": [{\"expr\": \"sum(x)\"}]}]}\n";
    let dashboards = load_text(text);
    let titles: Vec<&str> = dashboards
        .iter()
        .map(|d| d.title.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(titles, ["a", "b"]);
    let query = dashboards[1].queries().next().unwrap();
    let span = query.file_span(text, monlint_core::Span::new(4, 5));
    assert_eq!(&text[span.range()], "x");
    assert_eq!(text[..span.start as usize].lines().count(), 11);
}

#[test]
fn grafana_http_api_form() {
    // What `GET /api/dashboards/uid/:uid` returns and `POST /api/dashboards/db` takes.
    let text = r#"{"meta": {"slug": "a"}, "folderUid": "f", "overwrite": true,
 "dashboard": {"title": "api", "uid": "u", "panels": [{"targets": [{"expr": "rate(x[5m])"}]}]}}"#;
    let dashboards = load_text(text);
    assert_eq!(dashboards.len(), 1);
    assert_eq!(dashboards[0].uid.as_ref().unwrap().value, "u");
    let query = dashboards[0].queries().next().unwrap();
    assert_eq!(&text[query.raw.span.range()], "\"rate(x[5m])\"");
    // A `dashboard` key alone is not the API form: other JSON may use that name.
    let (documents, _) = yaml::parse_stream(
        r#"{"dashboard": {"title": "t", "panels": []}}"#,
        &yaml::Limits::default(),
    );
    assert!(!monlint_grafana::is_dashboard_document(&documents[0].root));
}
