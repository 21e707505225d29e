//! The OpenAPI document of the node's REST API, served at `/v1/api` (as Walrus serves its own).

use utoipa::openapi::{
    path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder},
    request_body::RequestBodyBuilder,
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required, ResponseBuilder,
    ResponsesBuilder,
};

/// One route: method, path, summary, whether it takes a BCS body, and its answers.
struct Route {
    method: HttpMethod,
    path: &'static str,
    summary: &'static str,
    bcs_body: bool,
    responses: &'static [(&'static str, &'static str)],
}

const REFUSALS: (&str, &str) = (
    "400",
    "refused: Walrus's error envelope with a reason (INVALID_PATH, INDEX_OUT_OF_RANGE, \
     NOT_REGISTERED, INVALID_BLOB, INVALID_METADATA, UNSUPPORTED_ENCODING_TYPE, \
     METADATA_NOT_FOUND, SHARD_NOT_ASSIGNED, SLIVER_INDEX_MISMATCH, INVALID_SLIVER, \
     MISSING_SLIVERS)",
);

const ROUTES: &[Route] = &[
    Route {
        method: HttpMethod::Get,
        path: "/v1/health",
        summary: "Health: epoch, shards owned, chain progress, uptime",
        bcs_body: false,
        responses: &[("200", "JSON in Walrus's success envelope")],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/status",
        summary: "Walrus's blob status (nonexistent, invalid, permanent, deletable)",
        bcs_body: false,
        responses: &[("200", "JSON in Walrus's success envelope"), REFUSALS],
    },
    Route {
        method: HttpMethod::Put,
        path: "/v1/blobs/{blob_id}/metadata",
        summary: "Store the BCS of a registered blob's BlobMetadata",
        bcs_body: true,
        responses: &[
            ("201", "stored"),
            ("200", "already stored"),
            REFUSALS,
            ("403", "SIZE_EXCEEDED: body over the node's limit"),
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/metadata",
        summary: "The BCS of the blob's metadata with its ID",
        bcs_body: false,
        responses: &[("200", "BCS"), ("404", "METADATA_NOT_FOUND")],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/metadata/status",
        summary: "Whether the metadata are stored",
        bcs_body: false,
        responses: &[("200", "\"stored\" or \"nonexistent\"")],
    },
    Route {
        method: HttpMethod::Put,
        path: "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}",
        summary: "Store the BCS of a primary or secondary sliver of one of this node's shards",
        bcs_body: true,
        responses: &[
            ("201", "stored (durably, before the answer)"),
            ("200", "already stored"),
            REFUSALS,
            ("403", "SIZE_EXCEEDED: body over the node's limit"),
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}",
        summary: "The BCS of a stored sliver (checked against its digest before it is served)",
        bcs_body: false,
        responses: &[("200", "BCS"), ("404", "SLIVER_NOT_FOUND"), REFUSALS],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}/status",
        summary: "Whether the sliver is stored intact",
        bcs_body: false,
        responses: &[("200", "\"stored\" or \"nonexistent\""), REFUSALS],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/confirmation/permanent",
        summary: "The node's BLS-signed storage confirmation of a permanent blob, once every \
                  sliver of its shards is stored",
        bcs_body: false,
        responses: &[
            (
                "200",
                "{\"signed\": {serializedMessage, signature}} (base64) in Walrus's envelope",
            ),
            REFUSALS,
            ("503", "NO_PROTOCOL_KEY"),
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/confirmation/deletable/{object_id}",
        summary: "The node's BLS-signed storage confirmation of a deletable blob object",
        bcs_body: false,
        responses: &[
            (
                "200",
                "{\"signed\": {serializedMessage, signature}} (base64) in Walrus's envelope",
            ),
            REFUSALS,
            ("503", "NO_PROTOCOL_KEY"),
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/decodingSymbols",
        summary: "Symbols without proofs for recovering target slivers: query targetSlivers \
                  (repeated), targetType (primary|secondary), limit (per target, optional)",
        bcs_body: false,
        responses: &[
            ("200", "BCS map: target sliver index -> decoding symbols"),
            REFUSALS,
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/v1/blobs/{blob_id}/recoverySymbols",
        summary: "Symbols with Merkle proofs for recovering one sliver: query targetSliver, \
                  targetType (primary|secondary)",
        bcs_body: false,
        responses: &[
            ("200", "BCS list of recovery symbols"),
            REFUSALS,
            (
                "503",
                "TOO_MANY_SYMBOL_REQUESTS: the node serves a bounded number at once",
            ),
        ],
    },
    Route {
        method: HttpMethod::Get,
        path: "/metrics",
        summary: "Prometheus metrics (text format)",
        bcs_body: false,
        responses: &[("200", "text")],
    },
];

/// The document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut op = OperationBuilder::new().summary(Some(route.summary));
        for name in ["blob_id", "sliver_pair_index", "sliver_type", "object_id"] {
            if route.path.contains(&format!("{{{name}}}")) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True),
                );
            }
        }
        if route.bcs_body {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/octet-stream", ContentBuilder::new().build())
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        let mut responses = ResponsesBuilder::new();
        for (code, description) in route.responses {
            responses = responses.response(*code, ResponseBuilder::new().description(*description));
        }
        op = op.responses(responses.build());
        paths = paths.path(
            route.path,
            PathItemBuilder::new()
                .operation(route.method.clone(), op.build())
                .build(),
        );
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Floe storage node")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Walrus's storage-node paths, BCS bodies and JSON envelopes.",
                ))
                .build(),
        )
        .paths(paths.build())
        .build()
}
