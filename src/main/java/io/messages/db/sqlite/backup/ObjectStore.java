package io.messages.db.sqlite.backup;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A folder of a bucket of S3-compatible object storage ({@code db.backup.off-site}): AWS S3, or
 * any server that speaks its API (MinIO, Ceph, Cloudflare R2, ...) at {@code endpoint}. Holds
 * whole files under plain names; every call either does all it says or throws
 * {@link ObjectStoreException}.
 */
public final class ObjectStore implements AutoCloseable {
    // A listing or a delete, retries included; a put or a get takes as long as the file needs.
    private static final Duration SHORT_CALL = Duration.ofSeconds(30);

    private final S3Client s3;
    private final Settings settings;

    private ObjectStore(S3Client s3, Settings settings) {
        this.s3 = s3;
        this.settings = settings;
    }

    /**
     * Where the copies go, from {@code db.backup.off-site}.
     *
     * @param bucket    the bucket (empty: no off-site copies)
     * @param prefix    the folder in it, e.g. {@code messages/}
     * @param endpoint  a server of the S3 API other than AWS (empty: AWS S3 of {@code region})
     * @param region    the region
     * @param pathStyle whether the bucket goes in the path ({@code host/bucket/key}), as most
     *                  servers but AWS need
     * @param keep      how many copies are kept (the newest)
     * @param accessKey the access key id (empty: the AWS SDK's default chain, e.g.
     *                  {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY})
     * @param secretKey its secret
     */
    public record Settings(String bucket, String prefix, Optional<URI> endpoint, String region, boolean pathStyle,
                           int keep, String accessKey, String secretKey) {
        /** The settings under {@code offSite}; empty when no bucket is named. */
        public static Optional<Settings> from(Config offSite) {
            String bucket = offSite.get("bucket").asString().orElse("");
            if (bucket.isBlank()) {
                return Optional.empty();
            }
            Optional<URI> endpoint = offSite.get("endpoint").asString().asOptional().filter(e -> !e.isBlank()).map(URI::create);
            int keep = offSite.get("keep").asInt().orElse(96);
            if (keep < 1) {
                throw new IllegalArgumentException("db.backup.off-site.keep must be at least 1, not " + keep);
            }
            return Optional.of(new Settings(bucket, offSite.get("prefix").asString().orElse("messages/"), endpoint,
                                            offSite.get("region").asString().orElse("us-east-1"),
                                            offSite.get("path-style").asBoolean().orElse(endpoint.isPresent()), keep,
                                            offSite.get("access-key-id").asString().orElse(""),
                                            offSite.get("secret-access-key").asString().orElse("")));
        }

        /** {@code s3://bucket/prefix}, for logs. */
        public String where() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    /** A client of the bucket {@code settings} name; nothing is called yet. */
    public static ObjectStore open(Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
                // Checksums only where the API requires them: servers other than AWS differ on the newer ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                                           .connectionTimeout(Duration.ofSeconds(10))
                                           .socketTimeout(Duration.ofMinutes(2)));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new ObjectStore(builder.build(), settings);
    }

    /** The settings it was opened with. */
    public Settings settings() {
        return settings;
    }

    /** Stores {@code file} as {@code name}, streamed from the disk (a whole file or nothing). */
    public void put(String name, Path file) {
        call("put " + name, () -> s3.putObject(r -> r.bucket(settings.bucket()).key(settings.prefix() + name)
                                                     .contentType("application/vnd.sqlite3"),
                                               RequestBody.fromFile(file)));
    }

    /** The names stored, in order (the backups' names sort by time). */
    public List<String> names() {
        return call("list", () -> {
            List<String> names = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(settings.prefix())
                            .overrideConfiguration(o -> o.apiCallTimeout(SHORT_CALL))).contents()) {
                names.add(object.key().substring(settings.prefix().length()));
            }
            return names.stream().sorted().toList();
        });
    }

    /** Writes the object {@code name} into {@code target} (replaced). */
    public void get(String name, Path target) {
        call("get " + name, () -> {
            try {
                Files.deleteIfExists(target);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
            return s3.getObject(r -> r.bucket(settings.bucket()).key(settings.prefix() + name),
                                ResponseTransformer.toFile(target));
        });
    }

    /** Deletes the object {@code name}. */
    public void delete(String name) {
        call("delete " + name, () -> s3.deleteObject(r -> r.bucket(settings.bucket()).key(settings.prefix() + name)
                .overrideConfiguration(o -> o.apiCallTimeout(SHORT_CALL))));
    }

    @Override
    public void close() {
        s3.close();
    }

    private <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException | UncheckedIOException e) {
            throw new ObjectStoreException(what + " at " + settings.where() + " failed: " + e.getMessage(), e);
        }
    }

    private static AwsCredentialsProvider credentials(Settings settings) {
        if (settings.accessKey().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }

    /** A call on the object store failed (unreachable, refused, not found). */
    public static final class ObjectStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
