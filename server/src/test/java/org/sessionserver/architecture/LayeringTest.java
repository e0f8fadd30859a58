package org.sessionserver.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The server's layers, from the wiring at the top down to the basics, and no package that imports another that
 * imports it back. Data flows one way: transport knows nothing of sessions, routing or the bus; the bus (module
 * bridge-redis) knows nothing of transport. README "Architecture" draws the same picture.
 */
@AnalyzeClasses(packages = "org.sessionserver", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.sessionserver.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Wiring").definedBy("org.sessionserver")
            .layer("HttpApi").definedBy("org.sessionserver.httpapi..")
            .layer("Admin").definedBy("org.sessionserver.admin..")
            .layer("Gateways").definedBy("org.sessionserver.gateways..")
            .layer("Routing").definedBy("org.sessionserver.routing..")
            .layer("Sessions").definedBy("org.sessionserver.sessions..")
            .layer("Intake").definedBy("org.sessionserver.intake..")
            .layer("Bus").definedBy("org.sessionserver.bus..")
            .layer("Config").definedBy("org.sessionserver.config..")
            .layer("Auth").definedBy("org.sessionserver.auth..")
            .layer("Metrics").definedBy("org.sessionserver.metrics..")
            .layer("Transport").definedBy("org.sessionserver.transport..")
            .layer("Basics").definedBy("org.sessionserver.json..", "org.sessionserver.errors..")
            .whereLayer("Wiring").mayNotBeAccessedByAnyLayer()
            .whereLayer("HttpApi").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Admin").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Gateways").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Routing").mayOnlyBeAccessedByLayers("Wiring", "HttpApi", "Admin")
            .whereLayer("Sessions").mayOnlyBeAccessedByLayers("Wiring", "HttpApi", "Admin", "Gateways", "Routing")
            .whereLayer("Intake").mayOnlyBeAccessedByLayers("Wiring", "HttpApi", "Gateways", "Sessions")
            .whereLayer("Bus").mayOnlyBeAccessedByLayers("Wiring", "HttpApi", "Admin", "Gateways", "Routing",
                    "Sessions", "Intake", "Auth")
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Transport").mayOnlyBeAccessedByLayers("Wiring", "HttpApi", "Admin", "Gateways", "Sessions",
                    "Intake");
}
