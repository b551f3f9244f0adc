using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using GitTrack.Core.Cache.Internal;
using GitTrack.Core.Errors;
using GitTrack.Core.Hashing;

namespace GitTrack.Core.Cache.Remote;

/// <summary>
/// An artifacts remote in an S3 bucket, through the AWS SDK (AWSSDK.S3; docs/dependencies.md), which takes
/// credentials and region from the standard AWS chain (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/
/// <c>AWS_SESSION_TOKEN</c>, <c>AWS_PROFILE</c> and <c>~/.aws/{config,credentials}</c>, <c>AWS_REGION</c>). An
/// endpoint from <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> (MinIO, Ceph, R2, a local server) is
/// addressed path-style. Objects up to <see cref="MultipartThreshold"/> go up in one put; larger ones in a multipart
/// upload whose parts go side by side and which is completed only after the caller verified the content, so an
/// interrupted upload never leaves anything under the final key (S3 makes an object visible only whole). Downloads
/// of large objects fetch <see cref="RangeSize"/> ranges side by side and hand them on in order.
/// </summary>
public sealed class S3Remote : ArtifactsRemote
{
    /// <summary>Objects larger than this go up in a multipart upload.</summary>
    internal const long MultipartThreshold = 16L << 20;
    /// <summary>The smallest part; larger objects get larger parts so none has more than <see cref="MaxParts"/>.</summary>
    internal const long MinPartSize = 16L << 20;
    internal const int MaxParts = 10_000;
    internal const int RangeSize = 16 << 20;
    /// <summary>Parts or ranges of one object in flight at once.</summary>
    internal const int PartsInFlight = 4;
    private const string ContentType = "application/zstd";

    private readonly AmazonS3Client _client;
    private readonly string _bucket;

    public S3Remote(ArtifactsLocation location) : base(location)
    {
        _bucket = location.Bucket;
        _client = CreateClient(location);
    }

    private AmazonS3Client CreateClient(ArtifactsLocation location)
    {
        var config = new AmazonS3Config
        {
            // Our own BLAKE3 check covers what comes down; the signed payload (or TLS) covers what goes up. Trailing
            // checksums in aws-chunked bodies are not understood by every S3-compatible server.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxConnectionsPerServer = 64,
        };
        var endpoint = Variable("AWS_ENDPOINT_URL_S3") ?? Variable("AWS_ENDPOINT_URL");
        var region = Variable("AWS_REGION") ?? Variable("AWS_DEFAULT_REGION");
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https") || uri.UserInfo.Length > 0)
                throw new InvalidInputException("AWS_ENDPOINT_URL(_S3) is not an http(s) URL without credentials", "set it to the S3 server's address, e.g. http://127.0.0.1:9000");
            config.ServiceURL = endpoint;
            // A custom endpoint (MinIO, Ceph, a local server) seldom has per-bucket host names.
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        try
        {
            return new AmazonS3Client(config);
        }
        catch (AmazonClientException e)
        {
            throw new RemoteStoreException($"cannot open the artifacts remote {location}: {e.Message}",
                "set AWS credentials and a region (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, AWS_REGION)", e);
        }
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;

    private string KeyOf(Blake3Hash key) => Location.S3KeyOf(key.ToString());

    public override async Task<RemoteObject?> StatAsync(Blake3Hash key, CancellationToken cancellation)
    {
        try
        {
            var response = await Call(() => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = KeyOf(key) }, cancellation),
                "check", key).ConfigureAwait(false);
            return new RemoteObject(key, response.ContentLength, ToOffset(response.LastModified));
        }
        catch (RemoteObjectMissingException)
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<RemoteObject> ListAsync(string hexPrefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var prefix = Location.ObjectsPrefix + (hexPrefix.Length <= 2 ? hexPrefix : $"{hexPrefix[..2]}/{hexPrefix[2..]}");
        var request = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = prefix,
            StartAfter = startAfter is null ? null : Location.S3KeyOf(startAfter),
            MaxKeys = 1000,
        };
        while (true)
        {
            var page = await Call(() => _client.ListObjectsV2Async(request, cancellation), "list", null).ConfigureAwait(false);
            foreach (var entry in page.S3Objects ?? [])
            {
                if (ParseKey(entry.Key) is { } key)
                    yield return new RemoteObject(key, entry.Size ?? 0, ToOffset(entry.LastModified));
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
                yield break;
            request.ContinuationToken = page.NextContinuationToken;
            request.StartAfter = null;
        }
    }

    private Blake3Hash? ParseKey(string s3Key)
    {
        var objectsPrefix = Location.ObjectsPrefix;
        if (!s3Key.StartsWith(objectsPrefix, StringComparison.Ordinal))
            return null;
        var rest = s3Key.AsSpan(objectsPrefix.Length);
        if (rest.Length != 65 || rest[2] != '/')
            return null;
        return ObjectPath.TryParse(rest[..2].ToString(), rest[3..].ToString());
    }

    public override async Task UploadAsync(Blake3Hash key, string objectFile, Task verified, IProgress<long>? progress, CancellationToken cancellation)
    {
        var size = new FileInfo(objectFile).Length;
        var s3Key = KeyOf(key);
        if (size <= MultipartThreshold)
        {
            // Small: the content is checked before a byte goes up, then one put makes it visible whole.
            await verified.ConfigureAwait(false);
            await using var stream = new FileStream(objectFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            await Call(() => _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = s3Key,
                InputStream = stream,
                AutoCloseStream = false,
                UseChunkEncoding = false,
                ContentType = ContentType,
            }, cancellation), "upload", key).ConfigureAwait(false);
            progress?.Report(size);
            return;
        }

        var partSize = Math.Max(MinPartSize, (size + MaxParts - 1) / MaxParts);
        var partCount = (int)((size + partSize - 1) / partSize);
        var upload = await Call(() => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = s3Key,
            ContentType = ContentType,
        }, cancellation), "upload", key).ConfigureAwait(false);
        var completed = false;
        try
        {
            var etags = new PartETag[partCount];
            await Parallel.ForEachAsync(Enumerable.Range(0, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = PartsInFlight, CancellationToken = cancellation },
                async (index, token) =>
                {
                    var offset = index * partSize;
                    var length = Math.Min(partSize, size - offset);
                    var response = await Call(() => _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = s3Key,
                        UploadId = upload.UploadId,
                        PartNumber = index + 1,
                        FilePath = objectFile,
                        FilePosition = offset,
                        PartSize = length,
                        UseChunkEncoding = false,
                    }, token), "upload", key).ConfigureAwait(false);
                    etags[index] = new PartETag(index + 1, response.ETag);
                    progress?.Report(length);
                }).ConfigureAwait(false);
            // Only content that verified is ever completed: until then nothing is visible under the key.
            await verified.ConfigureAwait(false);
            await Call(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = s3Key,
                UploadId = upload.UploadId,
                PartETags = [.. etags],
            }, cancellation), "upload", key).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                try
                {
                    using var abortTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = s3Key, UploadId = upload.UploadId },
                        abortTimeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
                {
                    // Parts left behind are invisible; 'gittrack gc --remote' removes stale uploads.
                }
            }
        }
    }

    public override async Task DownloadAsync(Blake3Hash key, Stream destination, IProgress<long>? progress, CancellationToken cancellation)
    {
        var s3Key = KeyOf(key);
        // The first range also tells the whole size (Content-Range), so a small object costs one request.
        var (first, total) = await GetRange(key, s3Key, 0, RangeSize, cancellation).ConfigureAwait(false);
        try
        {
            await destination.WriteAsync(first.Buffer.AsMemory(0, first.Length), cancellation).ConfigureAwait(false);
            progress?.Report(first.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first.Buffer);
        }
        if (total <= first.Length)
            return;
        var ranges = (int)((total - first.Length + RangeSize - 1) / RangeSize);
        var pending = new Queue<Task<((byte[] Buffer, int Length), long)>>();
        var next = 0;
        try
        {
            while (next < ranges || pending.Count > 0)
            {
                while (next < ranges && pending.Count < PartsInFlight)
                {
                    var offset = first.Length + (long)next * RangeSize;
                    pending.Enqueue(GetRange(key, s3Key, offset, (int)Math.Min(RangeSize, total - offset), cancellation));
                    next++;
                }
                var (range, _) = await pending.Dequeue().ConfigureAwait(false);
                try
                {
                    await destination.WriteAsync(range.Buffer.AsMemory(0, range.Length), cancellation).ConfigureAwait(false);
                    progress?.Report(range.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(range.Buffer);
                }
            }
        }
        finally
        {
            foreach (var task in pending)
            {
                try
                {
                    var (range, _) = await task.ConfigureAwait(false);
                    ArrayPool<byte>.Shared.Return(range.Buffer);
                }
                catch (Exception)
                {
                    // The first failure is what the caller sees.
                }
            }
        }
    }

    /// <summary>Bytes [offset, offset + length) of the object into a pooled buffer, and the object's total size.</summary>
    private async Task<((byte[] Buffer, int Length), long Total)> GetRange(Blake3Hash key, string s3Key, long offset, int length, CancellationToken cancellation)
    {
        using var response = await Call(() => _client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = _bucket,
            Key = s3Key,
            ByteRange = new ByteRange(offset, offset + length - 1),
        }, cancellation), "download", key).ConfigureAwait(false);
        var total = TotalOf(response, offset);
        var expected = (int)Math.Min(length, Math.Max(0, total - offset));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected, 1));
        try
        {
            var read = 0;
            while (read < expected)
            {
                var n = await response.ResponseStream.ReadAsync(buffer.AsMemory(read, expected - read), cancellation).ConfigureAwait(false);
                if (n == 0)
                    break;
                read += n;
            }
            if (read != expected)
                throw new RemoteStoreException($"the artifacts remote {Location} ended object {key} early ({offset + read} of {total} bytes)",
                    "try again; a network interruption leaves nothing in the cache");
            return ((buffer, read), total);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static long TotalOf(GetObjectResponse response, long offset)
    {
        // "bytes 0-16777215/104857600"; a server that ignores the range answers 200 with the whole object.
        var range = response.ContentRange;
        if (!string.IsNullOrEmpty(range))
        {
            var slash = range.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
                return total;
        }
        return offset + response.ContentLength;
    }

    public override async Task DeleteAsync(IReadOnlyList<Blake3Hash> keys, CancellationToken cancellation)
    {
        foreach (var batch in keys.Chunk(1000))
        {
            try
            {
                var response = await Call(() => _client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = _bucket,
                    Objects = [.. batch.Select(k => new KeyVersion { Key = KeyOf(k) })],
                    Quiet = true,
                }, cancellation), "delete", null).ConfigureAwait(false);
                if (response.DeleteErrors is { Count: > 0 } errors)
                    throw new RemoteStoreException($"the artifacts remote {Location} did not delete {errors.Count} object(s): {errors[0].Key}: {errors[0].Message}",
                        "check the bucket's permissions (s3:DeleteObject)");
            }
            catch (RemoteStoreException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest })
            {
                // A server without multi-object delete: one request per object.
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellation }, async (key, token) =>
                    await Call(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = KeyOf(key) }, token), "delete", key).ConfigureAwait(false))
                    .ConfigureAwait(false);
            }
        }
    }

    public override async Task TouchAsync(Blake3Hash key, CancellationToken cancellation)
    {
        // S3 has no touch: copying an object onto itself with new metadata sets its time, server-side.
        var s3Key = KeyOf(key);
        var request = new CopyObjectRequest
        {
            SourceBucket = _bucket,
            SourceKey = s3Key,
            DestinationBucket = _bucket,
            DestinationKey = s3Key,
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = ContentType,
        };
        request.Metadata.Add("gittrack-touched", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        await Call(() => _client.CopyObjectAsync(request, cancellation), "refresh", key).ConfigureAwait(false);
    }

    public override async Task<int> CleanUpInterruptedAsync(TimeSpan age, CancellationToken cancellation)
    {
        ListMultipartUploadsResponse uploads;
        try
        {
            uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = Location.ObjectsPrefix }, cancellation).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed)
        {
            return 0; // a server that cannot list uploads; the bucket's lifecycle rules are the way there
        }
        var removed = 0;
        var cutoff = DateTime.UtcNow - age;
        foreach (var upload in uploads.MultipartUploads ?? [])
        {
            if (upload.Initiated is { } initiated && initiated.ToUniversalTime() < cutoff)
            {
                await Call(() => _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = upload.Key, UploadId = upload.UploadId }, cancellation),
                    "clean up", null).ConfigureAwait(false);
                removed++;
            }
        }
        return removed;
    }

    private static DateTimeOffset ToOffset(DateTime? time) => time is { } t
        ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime())
        : DateTimeOffset.MinValue;

    /// <summary>Runs one S3 call, turning the SDK's errors into ours: a missing object, or a remote that failed, named without credentials.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call, string what, Blake3Hash? key)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (key is { } missing && (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is null or "NoSuchKey" or "NotFound"))
        {
            throw new RemoteObjectMissingException(missing);
        }
        catch (AmazonServiceException e)
        {
            var code = e.ErrorCode is { Length: > 0 } c ? c : ((int)e.StatusCode).ToString(CultureInfo.InvariantCulture);
            throw new RemoteStoreException($"the artifacts remote {Location} refused to {what}{(key is { } k ? $" object {k}" : "")}: {code}: {e.Message}",
                HintFor(e.ErrorCode), e);
        }
        catch (AmazonClientException e)
        {
            throw new RemoteStoreException($"cannot {what} on the artifacts remote {Location}: {e.Message}",
                "set AWS credentials and a region (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, AWS_REGION); AWS_ENDPOINT_URL for a server other than AWS", e);
        }
        catch (HttpRequestException e)
        {
            throw new RemoteStoreException($"cannot reach the artifacts remote {Location} to {what}: {e.Message}",
                "check the network and AWS_ENDPOINT_URL; nothing incomplete was made visible, so run the command again", e);
        }
    }

    private static string HintFor(string? errorCode) => errorCode switch
    {
        "NoSuchBucket" => "create the bucket, or fix the bucket name in git config gittrack.artifacts or .gittrack.toml",
        "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" =>
            "check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE) and the bucket's permissions",
        _ => "run the command again; nothing incomplete was made visible",
    };

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
