"""The API's request and response models, one module per concept; the OpenAPI document is generated from them."""
