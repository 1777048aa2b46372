//! AutoMTLS as go-plugin does it: the provider presents a fresh self-signed certificate (printed
//! in the handshake line) and accepts exactly one client certificate, the one Terraform passed
//! in `PLUGIN_CLIENT_CERT`. Terraform's certificate is ECDSA P-521, which ring cannot verify, so
//! P-521 handshake signatures are checked with the `p521` crate.

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, PrivatePkcs8KeyDer,
    SignatureVerificationAlgorithm, UnixTime,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, Error, ServerConfig, SignatureScheme};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate")]
    BadClientCert,
    #[error("cannot create the server certificate: {0}")]
    ServerCert(String),
    #[error("TLS configuration: {0}")]
    Config(#[from] Error),
}

/// The server certificate (DER, for the handshake line) and a TLS config that requires the
/// pinned client certificate.
pub struct Tls {
    pub server_cert_der: Vec<u8>,
    pub config: Arc<ServerConfig>,
}

pub fn setup(client_cert_pem: &str) -> Result<Tls, TlsSetupError> {
    let client_der = pem_to_der(client_cert_pem).ok_or(TlsSetupError::BadClientCert)?;

    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| TlsSetupError::ServerCert(e.to_string()))?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .map_err(|e| TlsSetupError::ServerCert(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "HashiCorp");
    params.distinguished_name.push(rcgen::DnType::CommonName, "localhost");
    // go-plugin's client adds this certificate to its root pool, so it is its own CA.
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params
        .self_signed(&key)
        .map_err(|e| TlsSetupError::ServerCert(e.to_string()))?;
    let server_cert_der = cert.der().to_vec();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedClientCert {
        der: client_der,
        ring: provider.signature_verification_algorithms,
    });
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(server_cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Tls {
        server_cert_der,
        config: Arc::new(config),
    })
}

fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END CERTIFICATE-----"))
        .map(str::trim)
        .collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).ok()?;
    (!der.is_empty()).then_some(der)
}

/// Accepts only the exact certificate Terraform pinned, and checks that the peer holds its key.
#[derive(Debug)]
struct PinnedClientCert {
    der: Vec<u8>,
    /// ring's algorithms, for client keys other than P-521.
    ring: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    fn algorithms(&self, scheme: SignatureScheme) -> &WebPkiSupportedAlgorithms {
        if scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            &P521_ONLY
        } else {
            &self.ring
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, self.algorithms(dss.scheme))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, self.algorithms(dss.scheme))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let mut schemes = P521_ONLY.supported_schemes();
        schemes.extend(self.ring.supported_schemes());
        schemes
    }
}

#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

static P521: EcdsaP521Sha512 = EcdsaP521Sha512;

static P521_ONLY: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[&P521],
    mapping: &[(SignatureScheme::ECDSA_NISTP521_SHA512, &[&P521])],
};

#[cfg(test)]
mod tests {
    use super::*;
    use p521::ecdsa::signature::Signer;

    fn key() -> p521::ecdsa::SigningKey {
        // Any scalar below the group order; the leading byte of a P-521 scalar is at most 0x01.
        let mut scalar = [0x5au8; 66];
        scalar[0] = 0;
        p521::ecdsa::SigningKey::from_slice(&scalar).expect("valid scalar")
    }

    /// What rustls hands the verifier: the SEC1 public key from the certificate, the signed
    /// handshake transcript, and a DER signature, as Terraform's P-521 key produces them.
    #[test]
    fn p521_handshake_signatures_are_checked() {
        let sk = key();
        let public = p521::ecdsa::VerifyingKey::from(&sk)
            .to_sec1_point(false)
            .as_bytes()
            .to_vec();
        let message = b"TLS 1.3, client CertificateVerify\x00transcript hash";
        let sig: p521::ecdsa::Signature = sk.sign(message);
        let der = sig.to_der();
        assert!(
            P521.verify_signature(&public, message, der.as_bytes()).is_ok(),
            "a good signature"
        );

        let mut other = message.to_vec();
        other[0] ^= 1;
        assert!(
            P521.verify_signature(&public, &other, der.as_bytes()).is_err(),
            "another message"
        );
        let mut bad = der.as_bytes().to_vec();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(
            P521.verify_signature(&public, message, &bad).is_err(),
            "a corrupted signature"
        );
        let mut wrong_key = public.clone();
        wrong_key[10] ^= 1;
        assert!(
            P521.verify_signature(&wrong_key, message, der.as_bytes()).is_err(),
            "another key"
        );
        assert!(P521.verify_signature(&public, message, b"not DER").is_err());
    }

    #[test]
    fn p521_is_only_offered_for_its_own_scheme() {
        assert_eq!(
            P521_ONLY.supported_schemes(),
            vec![SignatureScheme::ECDSA_NISTP521_SHA512]
        );
    }
}
