package io.arrowhttp.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the server library, checked on its compiled classes: packages that form no loop,
 * a dataset SPI and call context that know nothing of the server, and public API that never makes
 * a user name an internal type. A change that breaks one fails here with the classes that do it.
 */
class PackageStructureTest {

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.arrowhttp");
    }

    @Test
    void packagesFormNoLoop() {
        slices().matching("io.arrowhttp.(**)")
                .should()
                .beFreeOfCycles()
                .because("a package that depends on another depending back on it cannot be understood or"
                        + " changed alone")
                .check(library);
    }

    @Test
    void theDatasetSpiDependsOnNothingOfTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.arrowhttp.dataset..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.arrowhttp.server..", "io.arrowhttp.response..", "io.arrowhttp.internal..")
                .because("source authors implement the SPI against call, dataset and protocol types only")
                .check(library);
    }

    @Test
    void theCallContextDependsOnNothingOfTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.arrowhttp.call..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.arrowhttp.server..",
                        "io.arrowhttp.response..",
                        "io.arrowhttp.dataset..",
                        "io.arrowhttp.internal..")
                .because("the SPI and the server both use it")
                .check(library);
    }

    @Test
    void internalsAreUsedOnlyByTheFeatureAndTheEntities() {
        noClasses()
                .that()
                .resideInAnyPackage("io.arrowhttp.dataset..", "io.arrowhttp.call..", "io.arrowhttp.server.auth..")
                .or()
                .resideInAnyPackage("io.arrowhttp.server.middleware..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.arrowhttp.internal..")
                .because("the extension points stay usable without the internals")
                .check(library);
    }

    @Test
    void noPublicSignatureNamesAnInternalType() {
        classes()
                .that()
                .resideOutsideOfPackage("io.arrowhttp.internal..")
                .and()
                .resideOutsideOfPackage("io.arrowhttp.protocol.internal..")
                .and()
                .arePublic()
                .should(exposeNoInternalType())
                .because("users may only need the public packages; internals change in any release")
                .check(library);
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no internal type in a public or protected signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                Set<String> exposed = new HashSet<>();
                type.getRawSuperclass().ifPresent(superclass -> collect(exposed, superclass));
                type.getRawInterfaces().forEach(contract -> collect(exposed, contract));
                for (JavaMember member : type.getMembers()) {
                    if (!visible(member)) {
                        continue;
                    }
                    if (member instanceof JavaField field) {
                        collect(exposed, field.getRawType());
                    } else if (member instanceof JavaCodeUnit code) {
                        collect(exposed, code.getRawReturnType());
                        code.getRawParameterTypes().forEach(parameter -> collect(exposed, parameter));
                    }
                }
                for (String name : exposed) {
                    events.add(SimpleConditionEvent.violated(
                            type, type.getName() + " names the internal type " + name + " in its API"));
                }
            }
        };
    }

    private static boolean visible(JavaMember member) {
        return member.getModifiers().contains(JavaModifier.PUBLIC)
                || member.getModifiers().contains(JavaModifier.PROTECTED);
    }

    private static void collect(Set<String> exposed, JavaClass type) {
        JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
        if (INTERNAL.test(base)) {
            exposed.add(base.getName());
        }
    }

    private static final DescribedPredicate<JavaClass> INTERNAL = DescribedPredicate.describe(
            "internal",
            type -> Stream.of("io.arrowhttp.internal.", "io.arrowhttp.protocol.internal.")
                    .anyMatch(prefix -> type.getPackageName().concat(".").startsWith(prefix)));
}
