"""The registry of built-in detectors, one module per detector."""

from __future__ import annotations

from scanners.detectors import (
    anthropic_api_key,
    aws_access_key_id,
    aws_secret_access_key,
    bearer_token,
    credit_card,
    email,
    generic_secret,
    github_token,
    gitlab_token,
    google_api_key,
    huggingface_token,
    iban,
    ip_address,
    npm_token,
    openai_api_key,
    password,
    phone,
    private_key,
    sendgrid_api_key,
    slack,
    ssn,
    stripe,
    us_bank_account,
)
from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.national import NATIONAL_ID_DETECTORS

__all__ = ["BUILTIN_DETECTORS", "Candidate", "Detector", "Pattern"]

BUILTIN_DETECTORS: tuple[Detector, ...] = (
    anthropic_api_key.DETECTOR,
    openai_api_key.DETECTOR,
    aws_access_key_id.DETECTOR,
    aws_secret_access_key.DETECTOR,
    github_token.DETECTOR,
    slack.DETECTOR,
    stripe.DETECTOR,
    google_api_key.DETECTOR,
    gitlab_token.DETECTOR,
    huggingface_token.DETECTOR,
    npm_token.DETECTOR,
    sendgrid_api_key.DETECTOR,
    generic_secret.DETECTOR,
    private_key.DETECTOR,
    ssn.DETECTOR,
    *NATIONAL_ID_DETECTORS,
    iban.DETECTOR,
    us_bank_account.DETECTOR,
    credit_card.DETECTOR,
    password.DETECTOR,
    bearer_token.DETECTOR,
    email.DETECTOR,
    phone.DETECTOR,
    ip_address.DETECTOR,
)
