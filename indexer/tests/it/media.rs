//! The S3-compatible media store.

use epaper_indexer::media::MediaStore;
use epaper_indexer::testing::random_suffix;

/// The S3-compatible server the object-store tests talk to: `EPAPER_TEST_S3_ENDPOINT`, else the
/// moto server `.ci/run` starts on 127.0.0.1:9010. Unreachable, the test fails and says why;
/// `EPAPER_TEST_S3_ENDPOINT=skip` is the explicit, printed way to leave it out.
pub(crate) async fn s3_endpoint() -> Option<String> {
    let endpoint = std::env::var("EPAPER_TEST_S3_ENDPOINT")
        .unwrap_or_else(|_| "http://127.0.0.1:9010".to_string());
    if endpoint == "skip" {
        eprintln!("WARNING: EPAPER_TEST_S3_ENDPOINT=skip: the S3 media store is NOT tested");
        return None;
    }
    if let Err(error) = reqwest::get(&endpoint).await {
        panic!(
            "no S3-compatible server at {endpoint} ({error}); .ci/run starts one (moto), or set \
             EPAPER_TEST_S3_ENDPOINT"
        );
    }
    Some(endpoint)
}

/// The media store on S3-compatible object storage keeps each object once, whole, under
/// `<prefix>/<aa>/<sha256>`, and reads it back; the same bytes from two URLs are one object.
#[tokio::test]
pub(crate) async fn media_store_on_s3_keeps_each_object_once_under_its_hash() {
    let Some(endpoint) = s3_endpoint().await else {
        return;
    };
    let bucket = format!("epaper-test-{}", random_suffix().to_lowercase());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "creating the bucket: {}",
        created.status()
    );
    let settings = epaper_common::config::MediaSettings {
        dir: format!("s3://{bucket}/archive"),
        s3_endpoint: endpoint.clone(),
        s3_region: "us-east-1".into(),
        s3_access_key_id: "epaper-test".into(),
        s3_secret_access_key: "not-a-real-secret".to_string().into(),
    };
    let media = MediaStore::from_settings(&settings)
        .unwrap()
        .expect("a store");
    assert_eq!(media.describe(), format!("s3://{bucket}/archive"));

    let scan = b"\x89PNG scan of page 1".to_vec();
    let a = media.put(&scan).await.unwrap();
    let b = media.put(&scan).await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a.key, format!("{}/{}", &a.sha256[..2], a.sha256));
    assert_eq!(a.location, format!("s3://{bucket}/archive/{}", a.key));
    let pdf = media.put(b"%PDF-1.4 page 1").await.unwrap();
    assert_eq!(media.get(&a.sha256).await.unwrap(), Some(scan));
    assert_eq!(
        media.get(&pdf.sha256).await.unwrap().as_deref(),
        Some(&b"%PDF-1.4 page 1"[..])
    );
    assert_eq!(media.get(&"0".repeat(64)).await.unwrap(), None);

    // What the bucket holds, listed by the server itself: two objects, at their keys.
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut keys: Vec<&str> = listing
        .split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next())
        .collect();
    keys.sort();
    let mut want = vec![format!("archive/{}", a.key), format!("archive/{}", pdf.key)];
    want.sort();
    assert_eq!(keys, want, "{listing}");
}
