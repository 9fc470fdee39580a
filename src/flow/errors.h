// The codes of the flow layer: Error::code values from the loader and Diagnostic::code values
// from the definition builder.
//
// Codes are stable names that tools, tests and `runnel validate --json` users match on; the
// message beside each says what is wrong and how to fix it. Expression problems keep the
// expression layer's codes (expr/errors.h: ExpressionSyntaxError, UnknownFunction, ...).
#pragma once

namespace runnel::flow::errc {

// --- Loading (loader.h) ---
// The file cannot be opened or read.
inline constexpr char kUnreadableFile[] = "UnreadableFile";
// The file is empty or only whitespace.
inline constexpr char kEmptyFile[] = "EmptyFile";
// The file is larger than the loader accepts, or a package member is.
inline constexpr char kFileTooLarge[] = "FileTooLarge";
// Neither JSON, YAML nor a zip package (e.g. binary data).
inline constexpr char kUnknownFormat[] = "UnknownFileFormat";
// Invalid JSON; the Error's `where` is "line:column".
inline constexpr char kJsonSyntax[] = "JsonSyntaxError";
// Invalid YAML, or YAML without a JSON form (complex keys, .inf); `where` is "line:column".
inline constexpr char kYamlSyntax[] = "YamlSyntaxError";
// The document nests deeper than the loader allows.
inline constexpr char kTooDeep[] = "DocumentTooDeep";
// A zip archive that cannot be opened or read.
inline constexpr char kInvalidPackage[] = "InvalidPackage";
// The document (or package) holds no flow definition in any accepted shape.
inline constexpr char kNoDefinition[] = "NoDefinition";

// --- Building and validating (definition_builder.h) ---
// A member is missing, or has the wrong JSON type or an invalid value.
inline constexpr char kMissingProperty[] = "MissingProperty";
inline constexpr char kInvalidProperty[] = "InvalidProperty";
inline constexpr char kUnknownActionType[] = "UnknownActionType";
inline constexpr char kUnsupportedActionType[] = "UnsupportedActionType";
inline constexpr char kUnknownTriggerType[] = "UnknownTriggerType";
inline constexpr char kUnsupportedTriggerType[] = "UnsupportedTriggerType";
// The malformed-export shape {"triggers": {"triggers": {...}}}.
inline constexpr char kTriggersWrappedTwice[] = "TriggersWrappedTwice";
inline constexpr char kNoTrigger[] = "NoTrigger";  // a warning
inline constexpr char kTooManyTriggers[] = "TooManyTriggers";
inline constexpr char kDuplicateName[] = "DuplicateName";
inline constexpr char kNameTooLong[] = "NameTooLong";
inline constexpr char kTooManyActions[] = "TooManyActions";
inline constexpr char kNestingTooDeep[] = "NestingTooDeep";
inline constexpr char kInvalidKind[] = "InvalidKind";
// runAfter: malformed entry or status, unknown predecessor, a predecessor in another container,
// or a cycle.
inline constexpr char kInvalidRunAfter[] = "InvalidRunAfter";
inline constexpr char kRunAfterUnknownAction[] = "RunAfterUnknownAction";
inline constexpr char kRunAfterOtherContainer[] = "RunAfterOtherContainer";
inline constexpr char kRunAfterCycle[] = "RunAfterCycle";
// Static references in expressions (literal first argument).
inline constexpr char kUndeclaredParameter[] = "UndeclaredParameter";
inline constexpr char kUninitializedVariable[] = "UninitializedVariable";
inline constexpr char kUnknownAction[] = "UnknownActionReference";
inline constexpr char kNotAnEnclosingLoop[] = "NotAnEnclosingLoop";
inline constexpr char kNotAScope[] = "ResultNeedsScope";
// Variables.
inline constexpr char kVariableNotTopLevel[] = "InitializeVariableNotTopLevel";
inline constexpr char kInvalidVariable[] = "InvalidVariable";
inline constexpr char kDuplicateVariable[] = "DuplicateVariable";
inline constexpr char kVariableTypeMismatch[] = "VariableTypeMismatch";
// Control flow.
inline constexpr char kInvalidCondition[] = "InvalidCondition";
inline constexpr char kInvalidSwitchCase[] = "InvalidSwitchCase";
inline constexpr char kTooManyCases[] = "TooManyCases";
inline constexpr char kInvalidLoopSetting[] = "InvalidLoopSetting";
inline constexpr char kNotAllowedInLoop[] = "NotAllowedInLoop";
// Parameters, outputs, static results.
inline constexpr char kInvalidParameter[] = "InvalidParameter";
// A parameter without a value: an error when an expression reads it, else a warning.
inline constexpr char kMissingParameterValue[] = "MissingParameterValue";
inline constexpr char kTooManyOutputs[] = "TooManyOutputs";
inline constexpr char kUnknownStaticResult[] = "UnknownStaticResult";
// A warning: the definition holds ARM template expressions ("[parameters('x')]") to substitute.
inline constexpr char kDeployTimeExpression[] = "DeployTimeExpression";

}  // namespace runnel::flow::errc
