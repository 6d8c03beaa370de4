# GENERATED FILE: do not edit. Made by openapi-python-client with codegen/templates/ from
# openapi/curated.yaml; change the base spec, an overlay, a template or the generator config
# and run `make generate`.
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_input_public_association_multi_post import (
    BatchInputPublicAssociationMultiPost,
)
from ...models.error import Error
from ...models.labels_between_object_pair_batch import LabelsBetweenObjectPairBatch
from ...types import (
    Operation,
    ParseError,
    Response,
    json_body,
    looks_like_json,
    status_of,
    with_status,
)


def _get_kwargs(
    from_object_type: str,
    to_object_type: str,
    *,
    body: BatchInputPublicAssociationMultiPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/crm/v4/associations/{from_object_type}/{to_object_type}/batch/create".format(
            from_object_type=quote(str(from_object_type), safe=""),
            to_object_type=quote(str(to_object_type), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_success(response: httpx.Response) -> LabelsBetweenObjectPairBatch:
    """A success answer (2xx) of batch_create_associations as its documented model.

    Success codes drift between HubSpot releases (200/201/204 for one call): a 2xx the spec does
    not list is success too, read like the first documented success with a body (an empty one
    raises ParseError: this operation always answers with a body).
    """
    if not 200 <= response.status_code <= 299:
        raise ValueError(
            f"batch_create_associations: {response.status_code} is not a success status"
        )
    # Every ParseError that leaves here names the answer's status (json_body's already do).
    try:
        if response.status_code == 201:
            response_201 = LabelsBetweenObjectPairBatch.from_dict(json_body(response))

            return response_201

        if response.status_code == 207:
            response_207 = LabelsBetweenObjectPairBatch.from_dict(json_body(response))

            return response_207

        # 200, and any 2xx the spec does not list.
        response_200 = LabelsBetweenObjectPairBatch.from_dict(json_body(response))

        return response_200

    except ParseError as exc:
        if exc.status is None:
            raise with_status(exc, response.status_code) from exc
        raise


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | LabelsBetweenObjectPairBatch | None:
    if 200 <= response.status_code <= 299:
        # The generated functions keep an empty answer of an undocumented 2xx as parsed=None;
        # OPERATION, typed without None, refuses it.
        if not response.content and response.status_code not in (200, 201, 207):
            return None
        return _parse_success(response)
    # HubSpot answers some errors with HTML or no body at all (proxies, 502/503): there is
    # nothing to parse, and the caller still has status and content on the Response.
    if response.status_code >= 400 and not looks_like_json(response):
        return None
    # Every ParseError that leaves here names the answer's status (json_body's already do).
    try:
        if response.status_code == 400:
            response_400 = Error.from_dict(json_body(response))

            return response_400

        if response.status_code == 401:
            response_401 = Error.from_dict(json_body(response))

            return response_401

        if response.status_code == 403:
            response_403 = Error.from_dict(json_body(response))

            return response_403

        if response.status_code == 404:
            response_404 = Error.from_dict(json_body(response))

            return response_404

        if response.status_code == 409:
            response_409 = Error.from_dict(json_body(response))

            return response_409

        if response.status_code == 429:
            response_429 = Error.from_dict(json_body(response))

            return response_429

        if 500 <= response.status_code <= 599:
            response_5xx = Error.from_dict(json_body(response))

            return response_5xx

        if response.status_code >= 400:
            response_default = Error.from_dict(json_body(response))

            return response_default

    except ParseError as exc:
        if exc.status is None:
            raise with_status(exc, response.status_code) from exc
        raise
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return None


# The operation as one typed object: its operationId, its request builder (the parameters of the
# functions below, client aside) and its success parser. A caller that sends requests itself
# (hubspot_associations' clients) is type-checked against both.
OPERATION = Operation(
    operation_id="batch_create_associations",
    build_request=_get_kwargs,
    parse_success=_parse_success,
)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | LabelsBetweenObjectPairBatch]:
    return Response(
        # HubSpot's 52x codes are not in http.HTTPStatus; keep them as plain ints.
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicAssociationMultiPost,
) -> Response[Error | LabelsBetweenObjectPairBatch]:
    """Associate many record pairs with labels

     Creates the given association types for every pair of records in the inputs.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The pairs of records and the association
            types to apply or remove.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LabelsBetweenObjectPairBatch]
    """

    kwargs = _get_kwargs(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicAssociationMultiPost,
) -> Error | LabelsBetweenObjectPairBatch | None:
    """Associate many record pairs with labels

     Creates the given association types for every pair of records in the inputs.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The pairs of records and the association
            types to apply or remove.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LabelsBetweenObjectPairBatch
    """

    return sync_detailed(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicAssociationMultiPost,
) -> Response[Error | LabelsBetweenObjectPairBatch]:
    """Associate many record pairs with labels

     Creates the given association types for every pair of records in the inputs.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The pairs of records and the association
            types to apply or remove.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LabelsBetweenObjectPairBatch]
    """

    kwargs = _get_kwargs(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicAssociationMultiPost,
) -> Error | LabelsBetweenObjectPairBatch | None:
    """Associate many record pairs with labels

     Creates the given association types for every pair of records in the inputs.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The pairs of records and the association
            types to apply or remove.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LabelsBetweenObjectPairBatch
    """

    return (
        await asyncio_detailed(
            from_object_type=from_object_type,
            to_object_type=to_object_type,
            client=client,
            body=body,
        )
    ).parsed
