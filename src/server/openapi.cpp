// The OpenAPI 3 description of the management API, served at /management/openapi.json. Kept
// next to the handlers it describes (management_api.cpp); docs/http-api.md is the prose version.
#include "server/management_api.h"

namespace runnel::server {

const std::string& OpenApiDocument() {
  static const std::string kDocument = R"json({
  "openapi": "3.0.3",
  "info": {"title": "Runnel management API", "version": "1.0"},
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
        "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}}}}}},
      "Flow": {"type": "object", "properties": {"name": {"type": "string"}, "version": {"type": "integer"},
        "enabled": {"type": "boolean"}, "kind": {"type": "string", "enum": ["Stateful", "Stateless"]},
        "triggers": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}},
        "created": {"type": "string", "format": "date-time"}, "modified": {"type": "string", "format": "date-time"},
        "definition": {"type": "object"}}},
      "Run": {"type": "object", "properties": {"id": {"type": "string"}, "flow": {"type": "string"},
        "version": {"type": "integer"}, "trigger": {"type": "string"}, "status": {"type": "string"},
        "startTime": {"type": "string"}, "endTime": {"type": "string"}, "clientTrackingId": {"type": "string"},
        "errorCode": {"type": "string"}, "record": {"type": "object"}}}
    },
    "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
  },
  "security": [{"bearer": []}],
  "paths": {
    "/management/flows": {"get": {"summary": "List flows", "responses": {"200": {"description": "Flows"}, "401": {"$ref": "#/components/responses/Error"}}}},
    "/management/flows/{flow}": {
      "parameters": [{"name": "flow", "in": "path", "required": true, "schema": {"type": "string"}}],
      "get": {"summary": "Get a flow with its definition", "responses": {"200": {"description": "The flow"}, "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Deploy a new version", "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["Stateful", "Stateless"]}}],
        "requestBody": {"required": true, "content": {"application/json": {}, "application/yaml": {}}},
        "responses": {"200": {"description": "New version"}, "201": {"description": "New flow"}, "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a flow", "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/management/flows/{flow}/enable": {"post": {"summary": "Enable", "responses": {"200": {"description": "The flow"}}}},
    "/management/flows/{flow}/disable": {"post": {"summary": "Disable", "responses": {"200": {"description": "The flow"}}}},
    "/management/flows/{flow}/versions": {"get": {"summary": "List versions", "responses": {"200": {"description": "Versions"}}}},
    "/management/flows/{flow}/versions/{version}": {"get": {"summary": "One version with its definition", "responses": {"200": {"description": "The version"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/management/flows/{flow}/triggers/{trigger}/listCallbackUrl": {"post": {"summary": "The signed URL of a Request or HttpWebhook trigger",
      "parameters": [{"name": "keyType", "in": "query", "schema": {"type": "string", "enum": ["Primary", "Secondary"]}}],
      "responses": {"200": {"description": "{value, method, basePath, queries, relativePath}"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/management/flows/{flow}/regenerateAccessKey": {"post": {"summary": "Replace a signing key; URLs signed with the old key stop working",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"keyType": {"type": "string", "enum": ["Primary", "Secondary"]}}}}}},
      "responses": {"200": {"description": "Regenerated"}}}},
    "/management/flows/{flow}/triggers/history": {"get": {"summary": "Trigger events: fired, skipped, rejected, and why",
      "parameters": [{"name": "top", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "Events"}}}},
    "/management/runs": {"get": {"summary": "List runs, newest first",
      "parameters": [{"name": "flow", "in": "query", "schema": {"type": "string"}}, {"name": "status", "in": "query", "schema": {"type": "string"}},
        {"name": "top", "in": "query", "schema": {"type": "integer", "maximum": 250}}, {"name": "skipToken", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "{value: [Run], nextLink}"}}}},
    "/management/runs/{id}": {"get": {"summary": "A run with its record", "responses": {"200": {"description": "The run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/management/runs/{id}/cancel": {"post": {"summary": "Cancel a running run", "responses": {"202": {"description": "Cancelling"}, "409": {"$ref": "#/components/responses/Error"}}}},
    "/management/runs/{id}/resubmit": {"post": {"summary": "Run again with the same trigger outputs", "responses": {"202": {"description": "{id}"}}}},
    "/management/runs/{id}/events": {"get": {"summary": "Server-Sent Events of the run's progress", "responses": {"200": {"description": "text/event-stream"}}}},
    "/healthz": {"get": {"security": [], "summary": "Liveness", "responses": {"200": {"description": "ok"}, "503": {"description": "not ok"}}}},
    "/metrics": {"get": {"security": [], "summary": "Prometheus metrics", "responses": {"200": {"description": "text/plain"}}}}
  }
})json";
  return kDocument;
}

}  // namespace runnel::server
