namespace GitTrack.Web.Mlflow;

/// <summary>
/// An error answered as MLflow answers errors: <c>{"error_code": CODE, "message": ...}</c> with the HTTP status
/// MLflow gives that code (mlflow/exceptions.py). Refusals use 4xx codes only: MLflow's clients retry 5xx answers.
/// </summary>
internal sealed class MlflowError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int Status => Code switch
    {
        "RESOURCE_DOES_NOT_EXIST" or "ENDPOINT_NOT_FOUND" => 404,
        "INVALID_PARAMETER_VALUE" or "RESOURCE_ALREADY_EXISTS" or "BAD_REQUEST" or "MALFORMED_REQUEST" or "INVALID_STATE_TRANSITION" => 400,
        "PERMISSION_DENIED" => 403,
        "NOT_IMPLEMENTED" => 501,
        _ => 500,
    };

    public static MlflowError Invalid(string message) => new("INVALID_PARAMETER_VALUE", message);

    public static MlflowError NotFound(string message) => new("RESOURCE_DOES_NOT_EXIST", message);
}
