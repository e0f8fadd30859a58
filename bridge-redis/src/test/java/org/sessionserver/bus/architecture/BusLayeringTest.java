package org.sessionserver.bus.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The bus (module bridge-redis): the seams (bus, directory, cluster channel) with their in-memory twins on top of nothing, the Redis
 * twins beneath them; engines use it without the server, so it knows nothing of the server, nor of netty-socketio.
 */
@AnalyzeClasses(packages = "org.sessionserver.bus", importOptions = ImportOption.DoNotIncludeTests.class)
class BusLayeringTest {
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.sessionserver.bus.(**)").should()
            .beFreeOfCycles();

    @ArchTest
    static final ArchRule seamsDoNotKnowRedis = noClasses().that().resideInAPackage("org.sessionserver.bus")
            .should().dependOnClassesThat().resideInAPackage("org.sessionserver.bus.redis..");

    @ArchTest
    static final ArchRule knowsNothingOfTheServer = noClasses().that().resideInAPackage("org.sessionserver.bus..")
            .should().dependOnClassesThat().resideInAnyPackage("org.sessionserver.transport..",
                    "org.sessionserver.sessions..", "org.sessionserver.routing..", "com.corundumstudio..");
}
