use stripe_api::identity::verification_session::{CreateParams, CreateParamsType};
use stripe_api::identity::VerificationSession;
use stripe_api::{Client, Error};

/// Starts a document check for one of our users.
async fn start_verification(client: &Client, user_id: &str) -> Result<VerificationSession, Error> {
    let params = CreateParams::new().type_(CreateParamsType::Document).metadata([("user_id", user_id)]);
    VerificationSession::create(&params).send(client).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe_api::mock::{MockResponse, MockTransport};
    use stripe_api::Method;

    #[tokio::test]
    async fn starts_a_document_check() {
        let mock = MockTransport::new();
        mock.on(
            Method::Post,
            "/v1/identity/verification_sessions",
            MockResponse::json(
                200,
                r#"{"id": "vs_123", "object": "identity.verification_session",
                "created": 1700000000, "livemode": false, "metadata": {"user_id": "u_42"},
                "status": "requires_input", "type": "document"}"#,
            ),
        );
        let session = start_verification(&mock.client(), "u_42").await.unwrap();
        assert_eq!(session.id, "vs_123");

        let requests = mock.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].body_str(), "metadata[user_id]=u_42&type=document");
    }
}
