package io.messages.app;

import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * What a Kotlin (or Java) extender can count on, for every class the service ships: nullness
 * declared (JSpecify {@code @NullMarked} packages), public classes closed to subclassing, and
 * no checked exception on any public method or constructor.
 */
class PublicApiTest {

    @Test
    void everyPackageIsNullMarked() throws Exception {
        List<String> unmarked = shippedClasses().stream()
                .map(Class::getPackage)
                .distinct()
                .filter(p -> !p.isAnnotationPresent(NullMarked.class))
                .map(Package::getName)
                .toList();

        assertThat(unmarked, is(empty()));
    }

    @Test
    void publicClassesAreFinalSealedRecordsOrInterfaces() throws Exception {
        List<String> open = shippedClasses().stream()
                .filter(c -> Modifier.isPublic(c.getModifiers()))
                .filter(c -> !c.isInterface() && !c.isEnum() && !c.isSealed() && !Modifier.isFinal(c.getModifiers()))
                .map(Class::getName)
                .toList();

        assertThat(open, is(empty()));
    }

    @Test
    void noPublicMethodOrConstructorThrowsACheckedException() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Class<?> type : shippedClasses()) {
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            Stream.concat(Stream.of(type.getDeclaredMethods()), Stream.of(type.getDeclaredConstructors()))
                    .filter(e -> Modifier.isPublic(e.getModifiers()))
                    .forEach(e -> checkedExceptions(e).forEach(x -> checked.add(type.getName() + "." + e.getName() + " throws " + x)));
        }

        assertThat(checked, is(empty()));
    }

    private static List<String> checkedExceptions(Executable executable) {
        return Stream.of(executable.getExceptionTypes())
                .filter(x -> !RuntimeException.class.isAssignableFrom(x) && !Error.class.isAssignableFrom(x))
                .map(Class::getName)
                .toList();
    }

    // Every class compiled from src/main/java, read from the directory Main was loaded from.
    private static List<Class<?>> shippedClasses() throws Exception {
        Path root = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (!name.endsWith("package-info")) {
                    classes.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
                }
            }
        }
        assertThat(classes.size(), greaterThan(10));
        return classes;
    }
}
